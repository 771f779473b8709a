"""evalapp — the domain of 集中考评计分系统: rules, data, services, workbooks (no Qt)."""

# The one place the version is written: pyproject.toml, pyinstaller.spec, the About box and
# the Windows file properties all read it from here.
__version__ = "0.1.0"
APP_NAME = "集中考评计分系统"
