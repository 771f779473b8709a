"""Name lists for the demo evaluations (evalapp.demo): departments, people, roster.

Plain constants only. The departments follow the seed speech (档案局, 国税局, 地税局, 残联,
财政局, 法院, 妇联, 卫生局, 公安局, 组织部, 人事局, 规资局, 供销社, 信访局, 党校, 帅馆, 气象局,
统计局, 物价局, 林业局, 水务局, 发改委, 经信委, 交通局, 市政园林局, 教委, 行政服务中心,
两新工委) plus the usual rest of a district; where the speech uses an older name for a body
(发改委, 教委, 卫生局, 人事局, 国税局/地税局) that name is kept and its modern twin is left out,
so no function appears twice.
"""

from __future__ import annotations

PARTY = "党群部门"
GOVERNMENT = "政府工作部门"
VERTICAL = "垂直管理及其他"

# (full name, short name, category, presenter's title, latent-quality bias)
# The bias shifts a department's latent quality: speech-praised +, a few weak ones −.
DEPARTMENTS: tuple[tuple[str, str, str, str, float], ...] = (
    ("区委办公室", "区委办", PARTY, "主任", 0.5),
    ("区纪委监委", "纪委监委", PARTY, "副书记", 0.5),
    ("区委组织部", "组织部", PARTY, "常务副部长", 2.0),
    ("区委宣传部", "宣传部", PARTY, "常务副部长", 0.0),
    ("区委统战部", "统战部", PARTY, "常务副部长", 0.0),
    ("区委政法委", "政法委", PARTY, "常务副书记", 1.0),
    ("区委政策研究室", "政研室", PARTY, "主任", -1.0),
    ("区委机构编制委员会办公室", "编办", PARTY, "主任", -1.0),
    ("区直机关工委", "机关工委", PARTY, "书记", -1.0),
    ("区委两新组织工委", "两新工委", PARTY, "书记", 1.0),
    ("区委党校", "党校", PARTY, "常务副校长", 1.0),
    ("区档案局", "档案局", PARTY, "局长", 1.5),
    ("区信访局", "信访局", PARTY, "局长", 1.5),
    ("区委老干部局", "老干局", PARTY, "局长", 0.0),
    ("区人大常委会办公室", "人大办", PARTY, "主任", 0.0),
    ("区政协办公室", "政协办", PARTY, "主任", 0.0),
    ("区总工会", "总工会", PARTY, "常务副主席", -0.5),
    ("共青团区委", "团区委", PARTY, "书记", 0.0),
    ("区妇联", "妇联", PARTY, "主席", 1.5),
    ("区科协", "科协", PARTY, "主席", -1.5),
    ("区工商联", "工商联", PARTY, "主席", 0.0),
    ("区残联", "残联", PARTY, "理事长", 2.0),
    ("区文联", "文联", PARTY, "主席", -6.0),
    ("区政府办公室", "区政府办", GOVERNMENT, "主任", 0.5),
    ("区发展和改革委员会", "发改委", GOVERNMENT, "主任", 2.0),
    ("区经济和信息化委员会", "经信委", GOVERNMENT, "主任", 2.0),
    ("区教育委员会", "教委", GOVERNMENT, "主任", 1.5),
    ("区科学技术局", "科技局", GOVERNMENT, "局长", 0.0),
    ("区公安局", "公安局", GOVERNMENT, "局长", 2.0),
    ("区民政局", "民政局", GOVERNMENT, "局长", 0.0),
    ("区司法局", "司法局", GOVERNMENT, "局长", -0.5),
    ("区财政局", "财政局", GOVERNMENT, "局长", 2.0),
    ("区人事局", "人事局", GOVERNMENT, "局长", 1.5),
    ("区规划和自然资源局", "规资局", GOVERNMENT, "局长", 2.5),
    ("区住房和城乡建设委员会", "住建委", GOVERNMENT, "主任", 0.0),
    ("区交通局", "交通局", GOVERNMENT, "局长", 1.5),
    ("区水务局", "水务局", GOVERNMENT, "局长", 1.5),
    ("区农业农村局", "农业农村局", GOVERNMENT, "局长", 0.0),
    ("区林业局", "林业局", GOVERNMENT, "局长", 1.0),
    ("区商务局", "商务局", GOVERNMENT, "局长", -0.5),
    ("区文化和旅游局", "文旅局", GOVERNMENT, "局长", 0.0),
    ("区卫生局", "卫生局", GOVERNMENT, "局长", 1.5),
    ("区退役军人事务局", "退役军人局", GOVERNMENT, "局长", -0.5),
    ("区应急管理局", "应急局", GOVERNMENT, "局长", 0.5),
    ("区审计局", "审计局", GOVERNMENT, "局长", 0.0),
    ("区统计局", "统计局", GOVERNMENT, "局长", 1.0),
    ("区物价局", "物价局", GOVERNMENT, "局长", 1.0),
    ("区市场监督管理局", "市场监管局", GOVERNMENT, "局长", 0.0),
    ("区医疗保障局", "医保局", GOVERNMENT, "局长", -0.5),
    ("区城市管理局", "城管局", GOVERNMENT, "局长", -1.0),
    ("区市政园林局", "市政园林局", GOVERNMENT, "局长", 1.5),
    ("区行政服务中心", "行政服务中心", GOVERNMENT, "主任", 1.5),
    ("区国有资产监督管理委员会", "国资委", GOVERNMENT, "主任", -0.5),
    ("区体育局", "体育局", GOVERNMENT, "局长", -1.5),
    ("区民族宗教事务委员会", "民宗委", GOVERNMENT, "主任", -1.0),
    ("区机关事务管理局", "机关事务局", GOVERNMENT, "局长", -7.0),
    ("区投资促进局", "投促局", GOVERNMENT, "局长", 0.5),
    ("区人民防空办公室", "人防办", GOVERNMENT, "主任", -1.5),
    ("区扶贫开发办公室", "扶贫办", GOVERNMENT, "主任", 1.0),
    ("区人民法院", "法院", VERTICAL, "院长", 2.5),
    ("区人民检察院", "检察院", VERTICAL, "检察长", 1.0),
    ("区人民武装部", "人武部", VERTICAL, "部长", 0.0),
    ("区国家税务局", "国税局", VERTICAL, "局长", 2.0),
    ("区地方税务局", "地税局", VERTICAL, "局长", 2.5),
    ("区生态环境分局", "生态环境分局", VERTICAL, "局长", -0.5),
    ("区气象局", "气象局", VERTICAL, "局长", 0.5),
    ("区供销合作社", "供销社", VERTICAL, "主任", 1.5),
    ("区元帅纪念馆", "帅馆", VERTICAL, "馆长", 0.5),
    ("区烟草专卖局", "烟草局", VERTICAL, "局长", -1.0),
    ("区住房公积金管理中心", "公积金中心", VERTICAL, "主任", -0.5),
    ("区消防救援大队", "消防大队", VERTICAL, "大队长", 0.5),
    ("区红十字会", "红十字会", VERTICAL, "常务副会长", -2.0),
    ("区公路分局", "公路分局", VERTICAL, "局长", -2.5),
)

# Common surnames, most frequent first (drawn with falling weights).
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜"
    "叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺"
    "顾毛郝龚邵万钱严武戴莫孔向汤"
)

# Characters of given names common for people born in the 1960s–1980s: two-character
# names combine any two of a pool; one-character names come from a shorter list.
GIVEN_MALE = "建国华明伟军平强文杰勇涛斌波辉刚峰林鹏宇海东俊晓志永新春金德成荣光亮飞超磊彬庆利忠良远宏家振学云立兴卫民锋浩智胜"
GIVEN_FEMALE = "红芳丽静敏燕霞玲英娟梅丹萍雪慧洁琳颖秀桂兰玉凤艳莉婷晓春华"
SINGLE_MALE = "伟军平强杰勇涛斌波辉刚峰林鹏宇海东俊明华磊彬超飞亮浩锋"
SINGLE_FEMALE = "芳丽静敏燕霞玲英娟梅丹萍雪慧洁琳颖红艳莉婷"

# The four leading bodies: (unit, member titles) — roster of 四大班子领导.
LEADING_BODIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("区委", ("书记", "副书记", "常委", "常委", "常委", "常委", "常委", "常委", "常委",
              "常委", "常委")),
    ("区人大常委会", ("主任", "副主任", "副主任", "副主任", "副主任")),
    ("区政府", ("区长", "副区长", "副区长", "副区长", "副区长", "副区长", "副区长")),
    ("区政协", ("主席", "副主席", "副主席", "副主席", "副主席")),
)

# Reasons for adjustments (加减分) per year: (short name, points, reason, veto).
ADJUSTMENTS: dict[int, tuple[tuple[str, str, str, bool], ...]] = {
    2020: (
        ("法院", "1", "全国先进:获评全国优秀法院", False),
        ("残联", "1", "全国先进:运动员在全国残运会上获首金", False),
        ("财政局", "0.5", "市级表彰:获市级文明单位标兵", False),
        ("公安局", "0.5", "市级表彰:荣立集体二等功", False),
        ("档案局", "0.5", "创新:“数字档案”建设", False),
        ("组织部", "0.5", "创新:围绕发展主战场选人用人", False),
        ("人事局", "0.5", "创新:帮助企业引进6位外国专家", False),
        ("规资局", "1", "创新:土地规划成为全市样板", False),
        ("规资局", "1", "创新:土地流转解决项目用地", False),
        ("规资局", "0.5", "市级表彰:国土资源节约集约先进", False),
        ("体育局", "-1", "通报批评:全民健身工程进度滞后被市政府通报", False),
        ("机关事务局", "-1", "通报批评:公务用车管理问题被市纪委通报", False),
        ("住建委", "0", "发生重大安全生产责任事故", True),
    ),
    2021: (
        ("信访局", "1", "全国先进:获评全国信访工作示范单位", False),
        ("水务局", "1", "全国先进:获评全国节水型社会建设示范区", False),
        ("教委", "0.5", "市级表彰:高校招引工作先进", False),
        ("供销社", "0.5", "市级表彰:综合改革先进单位", False),
        ("行政服务中心", "1", "创新:“一窗受理、集成服务”改革", False),
        ("行政服务中心", "0.5", "市级表彰:政务服务标准化示范", False),
        ("两新工委", "0.5", "创新:流动党员“网上党支部”管理", False),
        ("经信委", "0.5", "创新:企业服务专员制度", False),
        ("城管局", "-1", "通报批评:市容环境督查排名末位被市政府通报", False),
        ("机关事务局", "-1", "通报批评:节能考核不合格被市政府通报", False),
    ),
}
