#!/usr/bin/env python3
"""Drives the setup page (GET /) in headless Chromium with selenium, keyboard only.

    setup_page_browser.py BASE_URL EMAIL PASSWORD HOST OTHER_EMAIL MANUAL_IMAP MANUAL_SMTP USERNAME

1. types EMAIL: the servers (HOST) fill in from the streamed lookup, with the registrable domain;
2. a wrong password + Enter: the server's refusal is shown;
3. OTHER_EMAIL (nothing to discover), "More settings" (space bar), MANUAL_IMAP as `host: port`,
   SSL, USERNAME, the right password: the login works.
Exit 0: every step passed; 77: Chromium could not start (the test skips); 1: a step failed.
"""
import sys

from selenium import webdriver
from selenium.common.exceptions import TimeoutException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

base, email, password, host, other_email, manual_imap, manual_smtp, username = sys.argv[1:9]

options = webdriver.ChromeOptions()
for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
             "--disable-extensions", "--disable-background-networking", "--user-data-dir=/tmp/autoconf-chromium-%d" % id(options)):
    options.add_argument(flag)
options.binary_location = "/usr/bin/chromium"
try:
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
except WebDriverException as error:
    print("chromium cannot start: %s" % str(error).splitlines()[0])
    sys.exit(77)


def text(element_id):
    return driver.find_element(By.ID, element_id).text


def wait_for(description, condition, seconds=20):
    try:
        WebDriverWait(driver, seconds).until(lambda _: condition())
    except TimeoutException:
        print("FAILED: %s; status: %r; result: %r" % (description, text("status"), text("result")))
        driver.quit()
        sys.exit(1)
    print("ok: %s" % description)


try:
    driver.get(base + "/")
    # Every input has a label.
    for field in driver.find_elements(By.CSS_SELECTOR, "input, select"):
        field_id = field.get_attribute("id")
        if not driver.find_elements(By.CSS_SELECTOR, "label[for='%s']" % field_id):
            print("FAILED: input #%s has no label" % field_id)
            sys.exit(1)
    print("ok: every field is labelled")

    address = driver.find_element(By.ID, "email")
    address.send_keys(email)
    wait_for("the incoming server fills in", lambda: text("incoming-host") == host)
    wait_for("the final answer is marked", lambda: "Settings found" in text("status"))
    domain = host.split(".", 1)[1]
    wait_for("the password's destination is shown", lambda: domain in text("password-goes-to"))
    print("incoming: %s %s %s %s" % (text("incoming-host"), text("incoming-port"), text("incoming-security"), text("incoming-username")))

    secret = driver.find_element(By.ID, "password")
    secret.send_keys("wrong-" + password)
    secret.send_keys(Keys.ENTER)
    wait_for("a wrong password shows the server's refusal",
             lambda: text("result-title") == "The login did not work." and "refused the login" in text("result-details"), 30)
    print("refusal: %s" % text("result-details").splitlines()[0])

    address.clear()
    address.send_keys(other_email)
    wait_for("nothing found for the other address", lambda: "could not find" in text("status"))
    more = driver.find_element(By.ID, "more")
    more.send_keys(Keys.SPACE)
    wait_for("More settings opens", lambda: driver.find_element(By.ID, "manual").is_displayed())
    driver.find_element(By.ID, "manual-incoming").send_keys(manual_imap + Keys.TAB)
    driver.find_element(By.ID, "manual-smtp").send_keys(manual_smtp + Keys.TAB)
    driver.find_element(By.ID, "manual-security").send_keys("SSL" + Keys.TAB)
    driver.find_element(By.ID, "manual-username").send_keys(username + Keys.TAB)
    port = manual_imap.split(":")[1].strip()
    wait_for("the manual form is completed", lambda: text("incoming-host") == manual_imap.split(":")[0].strip() and text("incoming-port") == port
             and text("incoming-username") == username and text("incoming-security") == "SSL/TLS")
    secret.clear()
    secret.send_keys(password)
    secret.send_keys(Keys.ENTER)
    wait_for("the test ends", lambda: text("result-title") == "Settings work and are saved." or driver.find_element(By.ID, "confirm-row").is_displayed() and "accept" in text("status"), 30)
    if text("result-title") != "Settings work and are saved.":
        driver.find_element(By.ID, "accept").send_keys(Keys.SPACE)
        secret.send_keys(Keys.ENTER)
        wait_for("the manual settings log in once accepted", lambda: text("result-title") == "Settings work and are saved.", 30)
    print("ok: the manual settings log in")
finally:
    driver.quit()
print("PASSED")
