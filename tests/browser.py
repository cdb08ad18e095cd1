"""Debian's Chromium, headless, driven by Selenium through Debian's chromedriver: the browser the HTML
report's tests (and benchmarks/html_report.py) open pages in. No network: the flags turn off every
background connection, and a fresh profile is made for each browser."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-default-apps", "--disable-extensions", "--window-size=1280,900"]
INSTALL = ("no browser to test the HTML report in: install Debian's Chromium and its driver "
           "(apt-get install chromium chromium-driver, as .ci/run does) and selenium (pip install -r "
           "requirements-dev.txt)")


def missing() -> str | None:
    """Why no browser can be started here (how to install one), or None."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return INSTALL
    return None if CHROMIUM.exists() and CHROMEDRIVER.exists() else INSTALL


def chromium(profile: Path | None = None):
    """A headless Chromium with the browser's console and network events logged; quit() it after use."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    folder = Path(tempfile.mkdtemp(prefix="chromium-profile-", dir=profile))
    options.add_argument(f"--user-data-dir={folder}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    quit_driver = driver.quit

    def quit_and_clean() -> None:
        quit_driver()
        shutil.rmtree(folder, ignore_errors=True)

    driver.quit = quit_and_clean
    return driver


def requests(driver) -> list[str]:
    """The URLs the page asked the network layer for since the last call (the performance log)."""
    import json

    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls
