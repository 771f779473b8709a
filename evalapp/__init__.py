"""evalapp — the domain of 集中考评计分系统: rules, data, services, workbooks (no Qt)."""

__version__ = "0.1.0"
APP_NAME = "集中考评计分系统"
