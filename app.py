"""The app's entry page in a checkout, for AppTest (``tests/ui/conftest.py``) and
``streamlit run app.py``; the page itself is ``workbench/ui/shell/entry.py``, which the wheel
carries and ``workbench serve`` serves with the sign-in routes (``workbench/ui/web.py``).
"""

from workbench.ui.shell.entry import show

show()
