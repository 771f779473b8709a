"""Sheet and column names of the evaluation workbook (WORKBOOK.md), shared by all its code."""

SETTINGS = "设置"
CATEGORIES = "部门类别"
GROUPS = "评委类别"
DEPARTMENTS = "部门"
EVALUATORS = "评委"
COMPONENTS = "得分构成"
COMPONENT_VALUES = "其他得分"
ADJUSTMENTS = "加减分"
BALLOTS = "选票"
README = "说明"  # written into templates; ignored on import

SETTINGS_COLUMNS = ("项目", "值")
CATEGORY_COLUMNS = ("类别", "表扬名额", "诫勉名额")
GROUP_COLUMNS = ("类别", "权重", "去掉最高最低分个数", "去极值起始人数", "发出票数", "回避本部门")
DEPARTMENT_COLUMNS = ("述职顺序", "部门名称", "简称", "类别", "述职人", "职务")
EVALUATOR_COLUMNS = ("姓名", "评委类别", "单位", "座位号")
COMPONENT_COLUMNS = ("项目", "权重")
ADJUSTMENT_COLUMNS = ("部门名称", "分值", "事由", "一票否决")
BALLOT_FIXED_COLUMNS = ("票号", "评委类别", "所属部门", "作废原因")
VALUE_KEY_COLUMN = "部门名称"

# 设置 items, in the order a template lists them.
S_NAME = "考评名称"
S_YEAR = "年度"
S_MODE = "计分方式"
S_LOW = "分值下限"
S_HIGH = "分值上限"
S_MARK_DECIMALS = "打分小数位"
S_RESULT_DECIMALS = "结果小数位"
S_GRADES = "等次分值"
S_EXCELLENT_RATIO = "优秀票上限比例"
S_HIGH_LINE = "高分线"
S_VOID_IDENTICAL = "全同分作废"
S_BONUS_CAP = "加分上限"
S_ADMONISH_BELOW = "诫勉分数线"
S_TIE_BREAK = "同分排序"
S_COMMEND = "表扬名额"
S_ADMONISH = "诫勉名额"
S_NAMED = "记名投票"
S_DOUBLE_ENTRY = "双人录入"

SETTING_ITEMS = (S_NAME, S_YEAR, S_MODE, S_LOW, S_HIGH, S_MARK_DECIMALS, S_RESULT_DECIMALS,
                 S_GRADES, S_EXCELLENT_RATIO, S_HIGH_LINE, S_VOID_IDENTICAL, S_BONUS_CAP,
                 S_ADMONISH_BELOW, S_TIE_BREAK, S_COMMEND, S_ADMONISH, S_NAMED, S_DOUBLE_ENTRY)

YES, NO = "是", "否"
MODE_BY_LABEL = {"百分制": "score", "等次制": "grade"}
