# SPDX-License-Identifier: BSD-3-Clause
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))
import vsharness  # noqa: E402


def pytest_configure(config):
    if os.geteuid() != 0:
        raise pytest.UsageError("tests/pkt need root (namespaces, veths, hugepages)")


@pytest.fixture
def switch(request):
    """A Switch (see vsharness.py), always cleaned up; its log is printed (shown on failure)."""
    sw = vsharness.Switch(request.node.name.replace("test_", "")[:12])
    try:
        yield sw
    finally:
        print("---- vswitchd log (%s) ----" % sw.log)
        print(sw.log_text())
        sw.cleanup()
