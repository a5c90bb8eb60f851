#!/usr/bin/env python3
"""End-to-end browser test of the counsellors' Korean web page that `jobmatch serve` serves.

Drives Debian's headless `chromium` through `chromedriver` with the W3C WebDriver HTTP protocol
(urllib only; no selenium), against the page's DOM contract (ids and classes such as #signin-form,
#seeker-form, #results li.result, #filters, #posting-detail, #whynot-form, #search-form,
#print-view). Each step prints PASS or FAIL; the run stops at the first failure, after saving a
screenshot of the failure state and the page's diagnostics. Normally run by Tools/web-e2e.sh,
which makes the data, the keys, the server and the driver:

  python3 Tools/web_e2e.py --base http://127.0.0.1:PORT --driver http://127.0.0.1:DPORT \
      --token TOKEN --revoked-token TOKEN2 --seekers S/seekers.jsonl --office 서울고용센터 --out OUT

Writes OUT/screenshots/*.png, OUT/print.pdf and OUT/e2e-state.json ({"seekerId", "postingIds"}: the
outcomes the page said it recorded, for the wrapper to find in `jobmatch outcomes export --qrels`).
Exit status: 0 when every step passed, 1 when one failed, 2 when the browser could not be started.
"""

import argparse
import base64
import json
import os
import re
import shutil
import subprocess
import sys
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request

ELEMENT_KEY = "element-6066-11e4-a52e-4f735466cecf"
KEY_TAB = "\ue004"
OUTCOMES = ["shown", "applied", "interview", "hired", "not-suitable"]
SCORE_PARTS = ["words", "occupation", "title", "experience", "content"]
UNSUITABLE_REASON = "거리가 멀어 통근이 어려움"

# Helpers put in front of every script run in the page.
JS_PRELUDE = r"""
const $ = (s, r) => (r || document).querySelector(s);
const $$ = (s, r) => Array.from((r || document).querySelectorAll(s));
const vis = (x) => {
  const el = typeof x === 'string' ? document.querySelector(x) : x;
  if (!el || !el.isConnected) return false;
  if (el.closest('[hidden]')) return false;
  if (getComputedStyle(el).visibility === 'hidden') return false;
  return el.getClientRects().length > 0;
};
const text = (x, r) => {
  const el = typeof x === 'string' ? (r || document).querySelector(x) : x;
  if (!el) return null;
  return (el.innerText || el.textContent || '').replace(/\s+/g, ' ').trim();
};
const desc = (el) => {
  if (!el || el.nodeType !== 1) return String(el);
  const one = (e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
    Array.from(e.classList).slice(0, 2).map((c) => '.' + c).join('');
  const parts = [one(el)];
  let p = el.parentElement;
  while (p && parts.length < 4 && p !== document.body) {
    parts.unshift(one(p));
    if (p.id) break;
    p = p.parentElement;
  }
  return parts.join(' > ');
};
"""


class WebDriverError(Exception):
    def __init__(self, status, error, message):
        super().__init__(f"WebDriver {status} {error}: {message}")
        self.status = status
        self.error = error
        self.message = message


class StepFailure(Exception):
    pass


class Browser:
    """A W3C WebDriver session over plain HTTP."""

    def __init__(self, driver_url):
        self.base = driver_url.rstrip("/")
        self.sid = None

    def call(self, method, path, body=None, timeout=90):
        data = None
        if body is not None or method == "POST":
            data = json.dumps({} if body is None else body).encode("utf-8")
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json; charset=utf-8"})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                raw = resp.read()
        except urllib.error.HTTPError as e:
            raw = e.read()
            try:
                value = json.loads(raw.decode("utf-8")).get("value") or {}
            except ValueError:
                value = {"error": f"http {e.code}", "message": raw[:300].decode("utf-8", "replace")}
            message = str(value.get("message", "")).split("\n")[0]
            raise WebDriverError(e.code, value.get("error", ""), message) from None
        if not raw:
            return None
        return json.loads(raw.decode("utf-8")).get("value")

    def s(self, path):
        return f"/session/{self.sid}{path}"

    # session

    def start(self, chrome, width, height):
        args = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                f"--window-size={width},{height}", "--lang=ko-KR"]
        caps = {"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "pageLoadStrategy": "normal",
            "unhandledPromptBehavior": "accept",
            "timeouts": {"implicit": 0, "pageLoad": 30000, "script": 30000},
            "goog:chromeOptions": {"binary": chrome, "args": args,
                                   "prefs": {"intl.accept_languages": "ko-KR,ko"}},
            "goog:loggingPrefs": {"browser": "ALL"},
        }}}
        value = self.call("POST", "/session", caps, timeout=120)
        self.sid = value["sessionId"]
        return value.get("capabilities", {})

    def quit(self):
        if self.sid:
            try:
                self.call("DELETE", self.s(""), timeout=30)
            except (WebDriverError, OSError):
                pass
            self.sid = None

    # navigation, windows, files

    def get(self, url):
        self.call("POST", self.s("/url"), {"url": url})

    def set_window(self, width, height):
        return self.call("POST", self.s("/window/rect"), {"width": width, "height": height})

    def set_viewport(self, width, height):
        """Sizes the window so that the page's viewport (innerWidth × innerHeight) is
        width × height: headless Chrome still subtracts room for its toolbars."""
        self.set_window(width, height)
        dw, dh = self.execute("return [outerWidth - innerWidth, outerHeight - innerHeight]")
        if dw or dh:
            self.set_window(width + dw, height + dh)
        return self.execute("return [innerWidth, innerHeight]")

    def screenshot(self, path):
        png = base64.b64decode(self.call("GET", self.s("/screenshot")))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(png)
        return path

    def print_pdf(self, **options):
        return base64.b64decode(self.call("POST", self.s("/print"), options, timeout=120))

    def console_log(self):
        """Chrome's console messages, when this chromedriver still offers its legacy log
        endpoint (not W3C); None otherwise."""
        try:
            return self.call("POST", self.s("/se/log"), {"type": "browser"})
        except (WebDriverError, OSError):
            pass
        try:
            return self.call("POST", self.s("/log"), {"type": "browser"})
        except (WebDriverError, OSError):
            return None

    # elements and scripts

    @staticmethod
    def _wrap(arg):
        if isinstance(arg, Element):
            return {ELEMENT_KEY: arg.id}
        return arg

    def _unwrap(self, value):
        if isinstance(value, dict):
            if ELEMENT_KEY in value and len(value) == 1:
                return Element(self, value[ELEMENT_KEY])
            return {k: self._unwrap(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self._unwrap(v) for v in value]
        return value

    def execute(self, script, *args):
        body = {"script": JS_PRELUDE + script, "args": [self._wrap(a) for a in args]}
        return self._unwrap(self.call("POST", self.s("/execute/sync"), body))

    def find(self, css):
        try:
            value = self.call("POST", self.s("/element"), {"using": "css selector", "value": css})
        except WebDriverError as e:
            if e.error == "no such element":
                raise StepFailure(f"no element matches {css!r}") from None
            raise
        return Element(self, value[ELEMENT_KEY])

    def find_all(self, css):
        value = self.call("POST", self.s("/elements"), {"using": "css selector", "value": css})
        return [Element(self, v[ELEMENT_KEY]) for v in value]

    def press(self, key):
        self.call("POST", self.s("/actions"), {"actions": [{
            "type": "key", "id": "keyboard",
            "actions": [{"type": "keyDown", "value": key}, {"type": "keyUp", "value": key}]}]})
        self.call("DELETE", self.s("/actions"))

    def wait_until(self, js_condition, timeout=10.0, what=None, args=(), stable=1):
        """Polls a JavaScript condition (an expression, or a body with `return`) every 100 ms
        until it is truthy `stable` times in a row; returns its value. Raises StepFailure with
        the last value seen on timeout."""
        body = js_condition if re.search(r"\breturn\b", js_condition) else f"return ({js_condition});"
        deadline = time.monotonic() + timeout
        last, streak = None, 0
        while True:
            try:
                last = self.execute(body, *args)
                streak = streak + 1 if last else 0
                if streak >= stable:
                    return last
            except WebDriverError as e:
                if e.error not in ("stale element reference", "javascript error", "no such element"):
                    raise
                last, streak = f"<{e.error}: {e.message}>", 0
            if time.monotonic() >= deadline:
                raise StepFailure(f"timed out after {timeout:g} s waiting for {what or js_condition}"
                                  f" (last value: {short(last)})")
            time.sleep(0.1)


class Element:
    def __init__(self, browser, eid):
        self.b = browser
        self.id = eid

    def click(self):
        try:
            self.b.call("POST", self.b.s(f"/element/{self.id}/click"))
        except WebDriverError as e:
            if e.error != "element click intercepted":
                raise
            # Something (a sticky bar, a toast) covered it: centre it and try once more.
            self.b.execute("arguments[0].scrollIntoView({block: 'center'}); return true", self)
            self.b.call("POST", self.b.s(f"/element/{self.id}/click"))

    def clear(self):
        self.b.call("POST", self.b.s(f"/element/{self.id}/clear"))

    def send_keys(self, text):
        self.b.call("POST", self.b.s(f"/element/{self.id}/value"), {"text": text})

    def find(self, css):
        try:
            value = self.b.call("POST", self.b.s(f"/element/{self.id}/element"),
                                {"using": "css selector", "value": css})
        except WebDriverError as e:
            if e.error == "no such element":
                raise StepFailure(f"no element matches {css!r} inside the element") from None
            raise
        return Element(self.b, value[ELEMENT_KEY])


def short(value, limit=300):
    s = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return s if len(s) <= limit else s[:limit] + "…"


def expect(condition, expected, found=None):
    if not condition:
        raise StepFailure(f"expected {expected}" + ("" if found is None else f"; found {short(found)}"))


def load_jsonl(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line:
                rows.append(json.loads(line))
    return rows


# The accessibility checks of step 11: labels, button names and WCAG 2 contrast of text.
A11Y_JS = r"""
const root = arguments[0] ? document.querySelector(arguments[0]) : document.body;
const problems = {labels: [], buttons: [], images: [], contrast: [], bgImages: []};
if (!root) return problems;
const named = (ids) => (ids || '').split(/\s+/).filter(Boolean)
  .map((i) => document.getElementById(i)).filter(Boolean)
  .map((e) => (e.textContent || '').trim()).join(' ').trim();
// form fields
for (const el of $$('input, select, textarea', root)) {
  if (el.type === 'hidden' || !vis(el)) continue;
  const ok = (el.labels && Array.from(el.labels).some((l) => (l.textContent || '').trim())) ||
    (el.getAttribute('aria-label') || '').trim() || named(el.getAttribute('aria-labelledby'));
  if (!ok) problems.labels.push(desc(el));
}
// buttons
for (const el of $$('button, input[type=button], input[type=submit], input[type=reset], [role=button]', root)) {
  if (!vis(el)) continue;
  const name = named(el.getAttribute('aria-labelledby')) || (el.getAttribute('aria-label') || '').trim() ||
    (el.innerText || el.textContent || '').trim() ||
    (el.tagName === 'INPUT' ? (el.value || '').trim() : '') || (el.getAttribute('title') || '').trim();
  if (!name) problems.buttons.push(desc(el));
}
for (const el of $$('img', root)) {
  if (vis(el) && !el.hasAttribute('alt')) problems.images.push(desc(el));
}
// contrast
const canvas = document.createElement('canvas');
canvas.width = canvas.height = 1;
const cx = canvas.getContext('2d', {willReadFrequently: true});
const rgba = (c) => {
  cx.clearRect(0, 0, 1, 1);
  cx.fillStyle = '#000';
  cx.fillStyle = c;
  cx.fillRect(0, 0, 1, 1);
  const d = cx.getImageData(0, 0, 1, 1).data;
  return [d[0], d[1], d[2], d[3] / 255];
};
const over = (top, under) => [0, 1, 2].map((i) => top[i] * top[3] + under[i] * (1 - top[3])).concat([1]);
const lum = (c) => {
  const ch = c.slice(0, 3).map((v) => {
    v /= 255;
    return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
  });
  return 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2];
};
const css = (c) => 'rgb(' + c.slice(0, 3).map((v) => Math.round(v)).join(', ') + ')';
const background = (el) => {
  const layers = [];
  let image = null;
  for (let e = el; e; e = e.parentElement) {
    const cs = getComputedStyle(e);
    if (!image && cs.backgroundImage && cs.backgroundImage !== 'none') image = desc(e);
    const c = rgba(cs.backgroundColor);
    if (c[3] > 0) layers.push(c);
    if (c[3] >= 1) break;
  }
  let bg = [255, 255, 255, 1];
  if (layers.length && layers[layers.length - 1][3] >= 1) bg = layers.pop();
  while (layers.length) bg = over(layers.pop(), bg);
  return {bg, image};
};
let checked = 0;
const skip = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'OPTION', 'OPTGROUP', 'TITLE']);
for (const el of [root].concat($$('*', root))) {
  if (skip.has(el.tagName) || !vis(el)) continue;
  const own = Array.from(el.childNodes).filter((n) => n.nodeType === 3)
    .map((n) => n.textContent).join('').replace(/\s+/g, ' ').trim();
  if (!own) continue;
  const r = el.getBoundingClientRect();
  if (r.width <= 1 || r.height <= 1) continue;          // visually hidden (screen-reader) text
  if (el.closest(':disabled, [aria-disabled="true"]')) continue;   // WCAG exempts inactive controls
  const cs = getComputedStyle(el);
  if (parseFloat(cs.opacity) === 0) continue;
  const {bg, image} = background(el);
  const fg = over(rgba(cs.color), bg);
  const l1 = lum(fg), l2 = lum(bg);
  const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
  const size = parseFloat(cs.fontSize);
  const bold = parseInt(cs.fontWeight, 10) >= 700;
  const large = size >= 24 || (size >= 18.66 && bold);
  const need = large ? 3 : 4.5;
  checked++;
  if (ratio + 1e-9 < need) {
    const item = {where: desc(el), text: own.slice(0, 40), fg: css(fg), bg: css(bg),
                  ratio: Math.round(ratio * 100) / 100, need, size};
    if (image) { item.bgImage = image; problems.bgImages.push(item); } else problems.contrast.push(item);
  }
}
problems.contrast.sort((a, b) => a.ratio - b.ratio);
problems.checked = checked;
return problems;
"""


class E2E:
    def __init__(self, opts):
        self.o = opts
        self.b = Browser(opts.driver)
        self.base = opts.base.rstrip("/")
        self.out = opts.out
        self.shots = os.path.join(opts.out, "screenshots")
        self.timeout = opts.timeout
        self.notes = []
        self.state = {}
        self.outcomes_recorded = []

    # ---- small helpers ----

    def note(self, msg):
        self.notes.append(msg)

    def shot(self, name):
        return self.b.screenshot(os.path.join(self.shots, name))

    def js(self, script, *args):
        return self.b.execute(script, *args)

    def wait(self, cond, what, timeout=None, args=(), stable=1):
        return self.b.wait_until(cond, timeout=timeout or self.timeout, what=what, args=args, stable=stable)

    def type_into(self, css, value):
        el = self.b.find(css)
        el.clear()
        el.send_keys(value)
        got = self.js("return arguments[0].value", el)
        if got != value:
            # Key events did not give the whole value (an IME quirk): set it as a paste would.
            self.js("const e = arguments[0]; e.value = arguments[1];"
                    "e.dispatchEvent(new Event('input', {bubbles: true}));"
                    "e.dispatchEvent(new Event('change', {bubbles: true})); return true", el, value)
            self.note(f"typing into {css} gave {got!r}; value set by script instead")
        return el

    def click(self, css):
        self.b.find(css).click()

    def click_in_result(self, posting_id, css, what):
        el = self.js("const li = $$('#results li.result').find((l) => l.getAttribute('data-posting-id') === arguments[0]);"
                     "return li ? li.querySelector(arguments[1]) : null", posting_id, css)
        expect(isinstance(el, Element), f"{what} ({css}) in the result {posting_id}", el)
        el.click()

    def select(self, css, index=None, value=None):
        """Chooses an option of a <select> the way a user does (clicking the option); falls back
        to setting it by script with input/change events."""
        opt = self.js("const s = $(arguments[0]); if (!s) return null;"
                      "const o = Array.from(s.options);"
                      "return arguments[1] !== null ? o[arguments[1]] || null : o.find((x) => x.value === arguments[2]) || null",
                      css, index, value)
        expect(isinstance(opt, Element), f"an option {index if value is None else repr(value)} in {css}", opt)
        try:
            opt.click()
        except WebDriverError:
            pass
        ok = self.js("return arguments[0].selected", opt)
        if not ok:
            self.js("const o = arguments[0], s = o.closest('select'); s.value = o.value; o.selected = true;"
                    "s.dispatchEvent(new Event('input', {bubbles: true}));"
                    "s.dispatchEvent(new Event('change', {bubbles: true})); return true", opt)
        return self.js("const s = $(arguments[0]); return {value: s.value, text: s.options[s.selectedIndex].text.trim()}", css)

    def results(self):
        return self.js(r"""
const items = $$('#results li.result');
return items.map((li) => ({
  id: li.getAttribute('data-posting-id'),
  title: text('.title', li), company: text('.company', li), region: text('.region', li),
  type: text('.type', li), deadline: text('.deadline', li),
  reasons: $$('ul.reasons > li', li).map((r) => text(r)),
}));""")

    def mark_results(self):
        """Marks the listed results, so a wait can tell a re-rendered list from the old one."""
        return self.js("const l = $$('#results li.result'); l.forEach((li) => { li.__e2eStale = true; });"
                       "window.__e2eStatus = text('#results-status'); return l.length")

    def wait_rerender(self, cond, what, allow_empty=False, timeout=None, show=None):
        """Waits for a list of results built after mark_results() for which cond (a JS arrow
        function over the items) holds. A page that updates items in place (no new nodes) passes
        when the condition holds at the timeout."""
        script = ("const items = $$('#results li.result');"
                  "if (items.some((li) => li.__e2eStale)) return false;"
                  f"if (!items.length && !{'true' if allow_empty else 'false'}) return false;"
                  f"return ({cond})(items) ? {{n: items.length}} : false;")
        try:
            return self.wait(script, what, timeout=timeout, stable=3)
        except StepFailure as failure:
            held = self.js(f"const items = $$('#results li.result'); return items.length > 0 && ({cond})(items)")
            if held:
                self.note(f"{what}: the list was updated in place (no new li.result nodes)")
                return {"n": self.js("return $$('#results li.result').length")}
            if show:
                now = self.js("const items = $$('#results li.result');"
                              "return {stale: items.filter((li) => li.__e2eStale).length,"
                              f" shown: items.map((li) => text({json.dumps(show)}, li))}}")
                raise StepFailure(f"{failure}; the list now ({now['stale']} of its items not re-rendered): "
                                  f"{short(now['shown'], 400)}") from None
            raise failure

    # ---- the steps ----

    def step_load(self):
        self.b.get(self.base + "/")
        self.wait("document.readyState === 'complete'", "the page to load")
        self.js("window.__e2eErrors = [];"
                "addEventListener('error', (e) => __e2eErrors.push(String(e.message || e.type)));"
                "addEventListener('unhandledrejection', (e) => __e2eErrors.push('unhandled rejection: ' + String(e.reason)));"
                "document.addEventListener('securitypolicyviolation', (e) => __e2eErrors.push('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
                "return true")
        info = self.js(r"""
const origin = location.origin;
const foreign = performance.getEntriesByType('resource').map((e) => e.name)
  .filter((u) => { try { return new URL(u).origin !== origin; } catch (_) { return true; } });
const refs = $$('script[src], link[href], img[src], iframe[src], source[src]')
  .map((e) => e.src || e.href).filter((u) => u && !u.startsWith('data:'))
  .filter((u) => { try { return new URL(u, location.href).origin !== origin; } catch (_) { return true; } });
return {lang: document.documentElement.getAttribute('lang'), title: document.title.trim(),
        resources: performance.getEntriesByType('resource').length, foreign, refs,
        signin: vis('#signin-form'), app: vis('#app'),
        keyType: $('#api-key') ? $('#api-key').getAttribute('type') : null,
        viewport: [innerWidth, innerHeight]};""")
        self.shot("01-signin.png")
        expect(info["lang"] == "ko", '<html lang="ko">', info["lang"])
        expect(info["title"], "a non-empty <title>", info["title"])
        expect(not info["foreign"], "every loaded resource from the page's own origin", info["foreign"])
        expect(not info["refs"], "no script/link/img/iframe pointing to another origin", info["refs"])
        expect(info["signin"], "#signin-form visible before sign-in", info)
        expect(not info["app"], "#app hidden before sign-in", info)
        expect(info["keyType"] == "password", '#api-key of type="password"', info["keyType"])
        return (f"lang=ko, title {info['title']!r}, {info['resources']} resource(s) all same-origin, "
                f"viewport {info['viewport'][0]}×{info['viewport'][1]}")

    def sign_in(self, token):
        self.type_into("#api-key", token)
        self.click("#signin-submit")

    def step_sign_in(self):
        o = self.o
        self.sign_in(o.revoked_token)
        self.wait("(text('#signin-error') || '').includes('폐기')",
                  "#signin-error to say the key was revoked (폐기)")
        expect(not self.js("return vis('#app')"), "#app still hidden after a revoked key")
        self.sign_in("jm_000000000000_" + "0" * 64)
        self.wait("(text('#signin-error') || '').includes('올바르지 않')",
                  "#signin-error to say the key is not valid (올바르지 않)")
        expect(not self.js("return vis('#app')"), "#app still hidden after a wrong key")
        self.sign_in(o.token)
        who = self.wait(f"vis('#app') && (text('#whoami') || '').includes({json.dumps(o.name)}) && text('#whoami')",
                        f"#app visible and #whoami naming {o.name}")
        expect(o.office in who, f"#whoami to show the office {o.office}", who)
        stores = self.js(r"""
const tok = arguments[0];
const has = (st) => Object.keys(st).filter((k) => k.includes(tok) || (st.getItem(k) || '').includes(tok));
return {session: has(sessionStorage), local: has(localStorage), localKeys: Object.keys(localStorage),
        cookie: document.cookie.includes(tok), signinVisible: vis('#signin-form'),
        keyLeft: ($('#api-key') || {}).value || ''};""", o.token)
        expect(stores["session"], "the token kept in sessionStorage", stores)
        expect(not stores["local"], "the token not in localStorage", stores)
        expect(not stores["cookie"], "the token not in a cookie", stores)
        if stores["signinVisible"]:
            self.note("#signin-form is still visible while signed in")
        if stores["keyLeft"]:
            self.note("#api-key still holds the key after sign-in")
        return f"revoked → 폐기, wrong → 올바르지 않, valid → #whoami {who!r}; token in sessionStorage only"

    def lookup(self, seeker_id):
        self.type_into("#seeker-id", seeker_id)
        self.click("#seeker-submit")

    def step_not_found(self):
        o = self.o
        seekers = load_jsonl(o.seekers)
        mine = [s for s in seekers if s.get("office") == o.office]
        expect(mine, f"a seeker of {o.office} in {o.seekers}")
        pick = next((s for s in mine if len(s.get("regions") or []) >= 2), None) or \
            next((s for s in mine if len(s.get("regions") or []) >= 1), None) or mine[0]
        other = next((s for s in seekers if s.get("office") != o.office), None)
        expect(other is not None, f"a seeker of another office than {o.office} in {o.seekers}")
        self.state.update(seeker=pick, other=other)
        self.mark_results()
        self.lookup(other["id"])
        self.wait("(text('#message') || '').includes('찾을 수 없습니다')",
                  f"#message to say 찾을 수 없습니다 for {other['id']} ({other['office']})")
        info = self.js(r"""
return {role: ($('#message') || {getAttribute: () => null}).getAttribute('role'),
        results: $$('#results li.result').length,
        summary: vis('#seeker-summary') ? text('#seeker-summary') : ''};""")
        self.shot("02-not-found.png")
        expect(info["role"] == "alert", '#message with role="alert"', info["role"])
        expect(info["results"] == 0, "no li.result for another office's seeker", info["results"])
        expect(not (other.get("desiredTitle") and other["desiredTitle"] in info["summary"]),
               "no summary of another office's seeker", info["summary"])
        return (f"{other['id']} ({other['office']}) → 찾을 수 없습니다, no results; "
                f"chosen seeker {pick['id']} (regions {pick.get('regions')})")

    def step_results(self):
        seeker = self.state["seeker"]
        size = self.b.set_viewport(1280, 800)
        if size != [1280, 800]:
            self.note(f"the viewport is {size[0]}×{size[1]}, not 1280×800")
        self.lookup(seeker["id"])
        title = seeker.get("desiredTitle") or ""
        self.wait(f"vis('#seeker-summary') && (text('#seeker-summary') || '').includes({json.dumps(title)})"
                  " && $$('#results li.result').length > 0",
                  f"#seeker-summary showing {title!r} and at least one li.result", stable=3)
        check = self.js(r"""
const items = $$('#results li.result');
const probs = [];
items.forEach((li, i) => {
  const n = '#' + (i + 1);
  if (!li.getAttribute('data-posting-id')) probs.push(n + ': no data-posting-id');
  for (const c of ['.title', '.company', '.region', '.type', '.salary', '.deadline'])
    if (!li.querySelector(c)) probs.push(n + ': no ' + c);
  if (!text('.title', li)) probs.push(n + ': empty .title');
  if (!$$('ul.reasons > li', li).some((r) => text(r))) probs.push(n + ': no ul.reasons > li');
  const bar = li.querySelector('.score-bar');
  const parts = bar ? $$('span.part', bar) : [];
  if (!parts.length) probs.push(n + ': no .score-bar span.part');
  for (const p of parts)
    if (!arguments[0].includes(p.getAttribute('data-part'))) probs.push(n + ': span.part data-part=' + p.getAttribute('data-part'));
  if (bar && parts.length) {
    const sum = parts.reduce((s, p) => s + p.getBoundingClientRect().width, 0);
    if (sum > bar.getBoundingClientRect().width * 1.01 + 1) probs.push(n + ': score parts wider than .score-bar');
  }
  if (!li.querySelector('button.open')) probs.push(n + ': no button.open');
  const outs = $$('button.outcome', li).map((b) => b.getAttribute('data-outcome'));
  const missing = arguments[1].filter((o) => !outs.includes(o));
  if (missing.length) probs.push(n + ': no button.outcome for ' + missing.join(', '));
  const soon = li.querySelector('.soon');
  if (soon && !(text(soon) || '').includes('마감 임박')) probs.push(n + ': .soon says ' + text(soon));
  const dups = li.querySelector('.dups');
  if (dups && !/외\s*\d+\s*건/.test(text(dups) || '')) probs.push(n + ': .dups says ' + text(dups));
});
return {count: items.length, probs, status: text('#results-status'),
        message: vis('#message') ? text('#message') : ''};""", SCORE_PARTS, OUTCOMES)
        results = self.results()
        self.shot("03-results-1280.png")
        expect(not check["probs"], "every li.result complete per the contract", check["probs"][:10])
        expect(check["status"], "a non-empty #results-status", check["status"])
        if str(check["count"]) not in check["status"]:
            self.note(f"#results-status {check['status']!r} does not show the count {check['count']}")
        if "찾을 수 없습니다" in (check["message"] or ""):
            self.note("#message still shows the previous lookup's 찾을 수 없습니다")
        self.state["results"] = results
        return (f"{seeker['id']} ({title}): {check['count']} result(s), #results-status {check['status']!r}; "
                f"first {results[0]['id']} {results[0]['title']!r} ({results[0]['region']})")

    def step_filters(self):
        initial = self.state["results"]
        done = []
        opts = self.js("const s = $('#filter-region'); return s ? Array.from(s.options).map((o) => ({value: o.value, text: o.text.trim()})) : null")
        expect(opts, "select#filter-region with options", opts)
        expect(opts[0]["value"] == "", 'the first #filter-region option with value "" (all regions)', opts[0])
        top = self.js("const s = $('#filter-top'); return s ? {value: s.value, options: Array.from(s.options).map((o) => o.value)} : null")
        expect(top and top["value"] == "10", "#filter-top defaulting to 10", top)
        expect(top["options"] == ["5", "10", "20", "30", "50"], "#filter-top options 5, 10, 20, 30, 50", top["options"])
        salary = self.js("const i = $('#filter-salary'); return i ? {type: i.type, min: i.min} : null")
        expect(salary and salary["type"] == "number", "input#filter-salary of type number", salary)
        if len(opts) >= 2:
            chosen = self.select("#filter-region", index=1)
            region = chosen["value"] or chosen["text"]
            sido = region.split()[0]
            self.mark_results()
            self.click("#filter-apply")
            got = self.wait_rerender(
                f"(items) => items.every((li) => (text('.region', li) || '').startsWith({json.dumps(sido)}))",
                f"results all in {sido} after filtering by region {region!r}", allow_empty=True, show=".region")
            before = sum(1 for r in initial if (r["region"] or "").startswith(sido))
            done.append(f"region {region!r}: {got['n']} result(s) in {sido} (of {len(initial)} unfiltered; {before} there)")
            if got["n"] == 0:
                self.note(f"filtering by {region!r} left no results: the region check was vacuous")
            self.select("#filter-region", index=0)
        else:
            self.note("the seeker states no region: #filter-region has only the 'all' option; region filter not tried")
        types = self.js("const s = $('#filter-type'); return s ? Array.from(s.options).map((o) => ({value: o.value, text: o.text.trim()})) : null")
        expect(types, "select#filter-type", types)
        expect(types[0]["value"] == "", 'the first #filter-type option with value ""', types[0])
        if len(types) >= 2:
            chosen = self.select("#filter-type", index=1)
            label = chosen["value"] or chosen["text"]
            self.mark_results()
            self.click("#filter-apply")
            # a posting that states no employment type is kept (the engine's documented policy for
            # unstated fields) and shows 미기재 for the counsellor to check
            got = self.wait_rerender(
                f"(items) => items.some((li) => (text('.type', li) || '').includes({json.dumps(label)})) && "
                f"items.every((li) => (text('.type', li) || '').includes({json.dumps(label)}) || (text('.type', li) || '').includes('미기재'))",
                f"results all of type {label!r} (or stating none)", allow_empty=True, show=".type")
            done.append(f"type {label!r}: {got['n']} result(s)")
            self.select("#filter-type", index=0)
        else:
            self.note("the seeker states no employment type: #filter-type not tried")
        # top 5 (with the region filter in place again when there is one, as a counsellor would)
        if len(opts) >= 2:
            self.select("#filter-region", index=1)
        self.select("#filter-top", value="5")
        self.mark_results()
        self.click("#filter-apply")
        got = self.wait_rerender("(items) => items.length <= 5", "at most 5 results with #filter-top 5",
                                 allow_empty=True, show=".title")
        expect(got["n"] <= 5, "at most 5 results", got["n"])
        done.append(f"top 5: {got['n']} result(s)")
        self.shot("04-filtered.png")
        # reset: back to the unfiltered list of step 4
        ids = [r["id"] for r in initial]
        self.mark_results()
        self.click("#filter-reset")
        ids_js = json.dumps(json.dumps(ids, separators=(",", ":")))
        same = f"(items) => JSON.stringify(items.map((li) => li.getAttribute('data-posting-id'))) === {ids_js}"
        try:
            self.wait_rerender(same, "the unfiltered list back after #filter-reset", timeout=4)
        except StepFailure:
            self.note("#filter-reset did not re-rank by itself; pressed #filter-apply after it")
            self.mark_results()
            self.click("#filter-apply")
            try:
                self.wait_rerender(same, "the unfiltered list of step 4 after #filter-reset and #filter-apply")
            except StepFailure as e:
                now = [r["id"] for r in self.results()]
                raise StepFailure(f"{e}; step 4 listed {ids}, now {now}") from None
        form = self.js("return {region: $('#filter-region').value, type: $('#filter-type').value, top: $('#filter-top').value}")
        expect(form == {"region": "", "type": "", "top": "10"}, "the filters back to their defaults after reset", form)
        done.append("reset restores the list")
        return "; ".join(done)

    def step_detail(self):
        first = self.state["results"][0]
        matched = [r for r in first["reasons"] if re.search(r"일치\s*단어", r or "")]
        self.click_in_result(first["id"], "button.open", "button.open")
        info = self.wait("vis('#posting-detail') && text('#posting-detail-title') && "
                         "{title: text('#posting-detail-title'), marks: $$('#posting-detail mark').map((m) => text(m)),"
                         " body: (text('#posting-detail-body') || '').length,"
                         " focus: desc(document.activeElement), focusInside: $('#posting-detail').contains(document.activeElement)}",
                         "#posting-detail visible with a title")
        self.shot("05-detail.png")
        expect(info["body"] > 0, "a non-empty #posting-detail-body", info)
        if first["title"] and first["title"] not in info["title"] and info["title"] not in first["title"]:
            self.note(f"detail title {info['title']!r} differs from the result's {first['title']!r}")
        if matched:
            expect(info["marks"], f"<mark> in the detail (reasons: {matched[:2]})", info["marks"])
        elif not info["marks"]:
            self.note("no matched-word reason on the first result and no <mark> in the detail")
        if not info["focusInside"]:
            self.note(f"focus did not move into #posting-detail when it opened (it is on {info['focus']})")
        self.click("#posting-detail-close")
        self.wait("!vis('#posting-detail')", "#posting-detail to close")
        self.wait("const li = $$('#results li.result').find((l) => l.getAttribute('data-posting-id') === arguments[0]);"
                  "const b = li && li.querySelector('button.open');"
                  "return b && document.activeElement === b ? 'ok' : false",
                  "focus back on the result's button.open", timeout=3, args=(first["id"],))
        return (f"{first['id']}: title {info['title']!r}, {len(info['marks'])} <mark> "
                f"({', '.join(info['marks'][:4])}); focus returned to button.open")

    def outcome_status(self, posting_id, what):
        return self.wait("const li = $$('#results li.result').find((l) => l.getAttribute('data-posting-id') === arguments[0]);"
                         "const s = li && li.querySelector('.outcome-status');"
                         "return s && (text(s) || '').includes('기록됨') && {text: text(s), role: s.getAttribute('role')}",
                         what, args=(posting_id,))

    def save_state(self):
        state = {"seekerId": self.state["seeker"]["id"],
                 "postingIds": [p for p, _ in self.outcomes_recorded],
                 "outcomes": [{"postingId": p, "outcome": o} for p, o in self.outcomes_recorded]}
        with open(os.path.join(self.out, "e2e-state.json"), "w", encoding="utf-8") as f:
            json.dump(state, f, ensure_ascii=False, indent=1)

    def step_outcomes(self):
        results = self.state["results"]
        expect(len(results) >= 2, "at least 2 results to record outcomes on", len(results))
        p1, p2 = results[0]["id"], results[1]["id"]
        self.click_in_result(p1, 'button.outcome[data-outcome="shown"]', "the shown button")
        s1 = self.outcome_status(p1, f".outcome-status of {p1} saying 기록됨 after 'shown'")
        expect(s1["role"] == "status", '.outcome-status with role="status"', s1["role"])
        self.outcomes_recorded.append((p1, "shown"))
        self.save_state()
        self.click_in_result(p2, 'button.outcome[data-outcome="not-suitable"]', "the not-suitable button")
        self.wait("const li = $$('#results li.result').find((l) => l.getAttribute('data-posting-id') === arguments[0]);"
                  "return li && vis(li.querySelector('.unsuitable-reason'))",
                  f".unsuitable-reason shown in {p2}", args=(p2,))
        field = self.js("const li = $$('#results li.result').find((l) => l.getAttribute('data-posting-id') === arguments[0]);"
                        "return li.querySelector('.unsuitable-reason')", p2)
        field.clear()
        field.send_keys(UNSUITABLE_REASON)
        if self.js("return arguments[0].value", field) != UNSUITABLE_REASON:
            self.js("arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input', {bubbles: true})); return true",
                    field, UNSUITABLE_REASON)
            self.note("typing the reason by key events did not give the whole text; set by script")
        self.click_in_result(p2, ".unsuitable-submit", "the reason's submit button")
        s2 = self.outcome_status(p2, f".outcome-status of {p2} saying 기록됨 after 'not-suitable'")
        self.outcomes_recorded.append((p2, "not-suitable"))
        self.save_state()
        # through the API: the service stored exactly these, with the reason
        seeker_id = self.state["seeker"]["id"]
        req = urllib.request.Request(f"{self.base}/v1/seekers/{urllib.parse.quote(seeker_id)}/outcomes",
                                     headers={"Authorization": "Bearer " + self.o.token, "Accept": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as resp:
            stored = json.loads(resp.read().decode("utf-8"))["outcomes"]
        got = [(x["postingId"], x["outcome"], x.get("reason")) for x in stored]
        want = [(p1, "shown", None), (p2, "not-suitable", UNSUITABLE_REASON)]
        expect(got == want, f"GET /v1/seekers/{seeker_id}/outcomes to hold {want}", got)
        # looked up again, the results say what was recorded before
        self.mark_results()
        self.lookup(seeker_id)
        history = self.wait("const li = $$('#results li.result').find((l) => !l.__e2eStale && l.getAttribute('data-posting-id') === arguments[0]);"
                            "const h = li && li.querySelector('.history');"
                            "return h && (text(h) || '').includes('지원 권유') && text(h)",
                            f"{p1} looked up again to show its earlier outcome (.history with 지원 권유)", args=(p1,))
        return (f"{p1} shown → {s1['text']!r}; {p2} not-suitable ({UNSUITABLE_REASON}) → {s2['text']!r}; "
                f"API holds both; after a new look-up {p1} shows {history!r}")

    def step_whynot(self):
        results = self.state["results"]
        rank = min(3, len(results))
        pid = results[rank - 1]["id"]
        self.type_into("#whynot-posting", pid)
        self.click("#whynot-submit")
        said = self.wait("const t = text('#whynot-result') || ''; return t.includes('위') && t",
                         f"#whynot-result saying where {pid} ranks (…위)")
        if f"{rank}위" not in said:
            self.note(f"#whynot-result for the {rank}th result says {said!r} (no '{rank}위')")
        self.type_into("#whynot-posting", "NO-SUCH-POSTING")
        self.click("#whynot-submit")
        missing = self.wait("const t = text('#whynot-result') || ''; return t.includes('찾을 수 없습니다') && t",
                            "#whynot-result saying 찾을 수 없습니다 for NO-SUCH-POSTING")
        self.shot("06-whynot.png")
        return f"{pid} (#{rank}) → {said!r}; NO-SUCH-POSTING → {missing!r}"

    def search_query(self):
        postings = os.path.join(os.path.dirname(os.path.abspath(self.o.seekers)), "postings.jsonl")
        if os.path.exists(postings):
            for p in load_jsonl(postings):
                if p.get("status", "open") == "open" and "지게차" in (p.get("title") or ""):
                    return "지게차"
        title = self.state["results"][0]["title"] or ""
        words = [w.strip("[]()【】<>·,.!~-/") for w in title.split()]
        words = [w for w in words if len(w) >= 2]
        return words[0] if words else title

    def step_search(self):
        q = self.search_query()
        self.js("$$('#search-results li.search-result').forEach((li) => { li.__e2eStale = true; }); return true")
        self.type_into("#search-q", q)
        self.click("#search-submit")
        got = self.wait("const items = $$('#search-results li.search-result');"
                        "return items.length > 0 && !items.some((li) => li.__e2eStale) &&"
                        " items.map((li) => ({id: li.getAttribute('data-posting-id'), text: text(li).slice(0, 60)}))",
                        f"at least one li.search-result for {q!r}", stable=3)
        self.shot("07-search.png")
        expect(all(x["id"] for x in got), "every li.search-result with a data-posting-id", got[:5])
        return f"{q!r} → {len(got)} result(s), first {got[0]['id']} {got[0]['text']!r}"

    def step_keyboard(self):
        self.js("window.scrollTo(0, 0); $('#seeker-id').focus(); return true")
        self.b.press(KEY_TAB)
        self.wait("document.activeElement && document.activeElement.id === 'seeker-submit' && 'ok'",
                  "Tab from #seeker-id to land on #seeker-submit", timeout=3)
        style = self.js(r"""
const el = document.activeElement, cs = getComputedStyle(el);
const on = {outlineStyle: cs.outlineStyle, outlineWidth: cs.outlineWidth, outlineColor: cs.outlineColor,
            boxShadow: cs.boxShadow, focusVisible: el.matches(':focus-visible')};
el.blur();
const off = getComputedStyle(el).boxShadow;
el.focus();
on.boxShadowUnfocused = off;
return on;""")
        outline = style["outlineStyle"] != "none" and float(re.sub(r"[^0-9.]", "", style["outlineWidth"]) or 0) > 0
        shadow = style["boxShadow"] != "none" and style["boxShadow"] != style["boxShadowUnfocused"]
        expect(outline or shadow, "a visible focus indicator on #seeker-submit (outline, or a box-shadow only when focused)",
               style)
        how = (f"outline {style['outlineStyle']} {style['outlineWidth']} {style['outlineColor']}" if outline
               else f"box-shadow {style['boxShadow']}")
        return f"Tab → #seeker-submit, {how}"

    def step_a11y(self):
        main = self.js(A11Y_JS, None)
        found = []
        if main["labels"]:
            found.append(f"fields without a label: {main['labels'][:8]}")
        if main["buttons"]:
            found.append(f"buttons without an accessible name: {main['buttons'][:8]}")
        if main["images"]:
            found.append(f"images without alt: {main['images'][:8]}")
        contrast = list(main["contrast"])
        # the posting detail, opened, as a counsellor reads it
        first = self.state["results"][0]["id"]
        self.click_in_result(first, "button.open", "button.open")
        self.wait("vis('#posting-detail')", "#posting-detail to open")
        detail = self.js(A11Y_JS, "#posting-detail")
        self.click("#posting-detail-close")
        self.wait("!vis('#posting-detail')", "#posting-detail to close")
        seen = {(c["where"], c["text"]) for c in contrast}
        contrast += [c for c in detail["contrast"] if (c["where"], c["text"]) not in seen]
        # one line per place and colours (ten company names in the same grey are one problem)
        groups = {}
        for c in contrast:
            key = (c["where"], c["fg"], c["bg"], c["need"])
            if key in groups:
                groups[key]["count"] += 1
            else:
                groups[key] = dict(c, count=1)
        contrast = sorted(groups.values(), key=lambda c: c["ratio"])
        for c in main["bgImages"] + detail["bgImages"]:
            self.note(f"contrast over a background image not checked: {c['where']} {c['text']!r} (ratio on its colour {c['ratio']})")
        if contrast:
            worst = "\n       ".join(f"{c['ratio']:.2f} < {c['need']:g}: {c['where']} {c['text']!r}"
                                    + (f" and {c['count'] - 1} more like it" if c["count"] > 1 else "")
                                    + f" ({c['fg']} on {c['bg']}, {c['size']:g}px)" for c in contrast[:10])
            n = sum(c["count"] for c in contrast)
            found.append(f"{n} text element(s) under the WCAG AA contrast ratio; worst:\n       {worst}")
        if found:
            raise StepFailure("accessibility problems:\n     - " + "\n     - ".join(found))
        return (f"labels and button names present; contrast ≥ 4.5 (3 for large text) for "
                f"{main['checked']} + {detail['checked']} text element(s)")

    def step_narrow(self):
        self.b.set_viewport(1024, 768)
        size = self.wait("innerWidth <= 1024 && innerWidth > 800 && [innerWidth, innerHeight]",
                         "the viewport to shrink to 1024 wide")
        self.wait("const w = document.documentElement.scrollWidth; const ok = window.__e2eW === w; window.__e2eW = w; return ok",
                  "layout to settle", timeout=3)
        self.shot("08-results-1024.png")
        info = self.js(r"""
const vw = innerWidth, sw = document.documentElement.scrollWidth;
const wide = sw <= vw ? [] : $$('body *').filter((e) => vis(e) && e.getBoundingClientRect().right > vw + 0.5)
  .filter((e) => !Array.from(e.children).some((c) => c.getBoundingClientRect().right > vw + 0.5))
  .map((e) => desc(e) + ' (right edge ' + Math.round(e.getBoundingClientRect().right) + ')');
return {vw, sw, wide: Array.from(new Set(wide)).slice(0, 8)};""")
        expect(info["sw"] <= info["vw"], f"no horizontal scrolling at {size[0]}×{size[1]} "
               f"(scrollWidth {info['sw']} ≤ innerWidth {info['vw']})", info["wide"])
        return f"viewport {size[0]}×{size[1]}, scrollWidth {info['sw']}"

    def step_print(self):
        seeker_id = self.state["seeker"]["id"]
        first = self.state["results"][0]
        # The page calls window.print(); headless Chrome would print nowhere, so count the calls
        # and make the PDF with WebDriver's print command instead.
        self.js("window.__e2ePrints = 0; window.print = function () { window.__e2ePrints++; }; return true")
        self.click("#print-view")
        self.wait("window.__e2ePrints > 0", "#print-view to call window.print()")
        sheet = self.js("const s = $('#print-sheet'); return s ? (s.textContent || '').replace(/\\s+/g, ' ').trim() : null")
        expect(sheet, "a non-empty #print-sheet", sheet)
        expect(seeker_id not in sheet, f"no seeker id ({seeker_id}) in #print-sheet", sheet[:200])
        expect("점수" not in sheet, "no 점수 (scores) in #print-sheet", sheet[:200])
        pdf = self.b.print_pdf(page={"width": 21.0, "height": 29.7}, background=True)
        path = os.path.join(self.out, "print.pdf")
        with open(path, "wb") as f:
            f.write(pdf)
        expect(pdf[:5] == b"%PDF-", "a PDF from the print command", pdf[:20])
        pdftotext = shutil.which("pdftotext")
        if not pdftotext:
            self.note("pdftotext missing (apt-get install -y poppler-utils): the PDF's text was not checked")
            return f"#print-sheet ready, window.print() called; {len(pdf)} byte PDF in {path}"
        txt = subprocess.run([pdftotext, "-enc", "UTF-8", path, "-"], capture_output=True, check=True,
                             timeout=60).stdout.decode("utf-8", "replace")
        flat = re.sub(r"\s+", "", txt)
        title = re.sub(r"\s+", "", first["title"] or "")
        expect(title and title in flat, f"the first result's title {first['title']!r} in the printed PDF", txt[:300])
        deadline = re.sub(r"\s+", "", first["deadline"] or "")
        dated = re.search(r"\d{4}\s*[-./]\s*\d{1,2}\s*[-./]\s*\d{1,2}|\d{1,2}\s*월\s*\d{1,2}\s*일", txt)
        expect((deadline and deadline in flat) or dated, "a deadline in the printed PDF", txt[:300])
        expect("점수" not in txt, "no 점수 in the printed PDF", txt[:300])
        expect(seeker_id not in txt, f"no seeker id ({seeker_id}) in the printed PDF", txt[:300])
        pages = txt.count("\f") or 1
        return f"{len(pdf)} byte PDF, {pages} page(s): title and deadline present, no 점수, no seeker id ({path})"

    def step_sign_out(self):
        self.click("#signout")
        self.wait("vis('#signin-form') && !Object.keys(sessionStorage).some((k) => (sessionStorage.getItem(k) || '').includes(arguments[0])) && 'ok'",
                  "#signin-form visible and the token gone from sessionStorage", args=(self.o.token,))
        info = self.js("return {app: vis('#app'), keys: Object.keys(sessionStorage),"
                       " results: $$('#results li.result').length,"
                       " title: document.body.textContent.includes(arguments[0])}",
                       self.state["seeker"].get("desiredTitle") or "\u0000")
        expect(not info["app"], "#app hidden after sign-out", info)
        if info["keys"]:
            self.note(f"sessionStorage not empty after sign-out: keys {info['keys']}")
        if info["results"] or info["title"]:
            self.note("the seeker's data (results or desired title) is still in the DOM after sign-out")
        return "signed out: #signin-form visible, no token in sessionStorage"

    # ---- running ----

    STEPS = [
        ("load page (lang, title, same-origin resources)", "step_load"),
        ("sign in (revoked, wrong, valid key; sessionStorage only)", "step_sign_in"),
        ("another office's seeker is not found", "step_not_found"),
        ("seeker's recommendations", "step_results"),
        ("filters (region, type, top 5, reset)", "step_filters"),
        ("posting detail (marks, focus returns)", "step_detail"),
        ("outcomes (shown; not-suitable with a reason)", "step_outcomes"),
        ("why-not", "step_whynot"),
        ("search", "step_search"),
        ("keyboard focus", "step_keyboard"),
        ("accessibility (labels, names, contrast)", "step_a11y"),
        ("1024×768 without horizontal scroll", "step_narrow"),
        ("print view (PDF)", "step_print"),
        ("sign out", "step_sign_out"),
    ]

    def diagnostics(self):
        lines = []
        try:
            d = self.js("return {url: location.href, message: text('#message'), signinError: text('#signin-error'),"
                        " status: text('#results-status'), results: $$('#results li.result').length,"
                        " active: desc(document.activeElement), errors: window.__e2eErrors || []}")
            lines.append(f"page: {d['url']}; #message {d['message']!r}; #signin-error {d['signinError']!r}; "
                         f"#results-status {d['status']!r}; {d['results']} li.result; focus on {d['active']}")
            for e in d["errors"][-10:]:
                lines.append(f"page error: {e}")
        except Exception as e:  # the page may be gone
            lines.append(f"(no page diagnostics: {e})")
        log = self.b.console_log()
        if log:
            for entry in log[-15:]:
                lines.append(f"console {entry.get('level', '?')}: {short(entry.get('message', ''), 240)}")
        return lines

    def run(self):
        os.makedirs(self.shots, exist_ok=True)
        total = len(self.STEPS)
        try:
            caps = self.b.start(self.o.chrome, 1280, 800)
            self.b.get("about:blank")
            self.b.set_viewport(1280, 800)
        except (WebDriverError, OSError) as e:
            print(f"FAIL  0 start the browser: {e}")
            print(f"web e2e: 0/{total} steps passed (no browser session)")
            return 2
        print(f"browser: {caps.get('browserName', '?')} {caps.get('browserVersion', '?')} via {self.o.driver}")
        passed = 0
        try:
            for i, (name, method) in enumerate(self.STEPS, 1):
                self.notes = []
                t0 = time.monotonic()
                try:
                    detail = getattr(self, method)()
                except Exception as e:  # StepFailure, WebDriverError, anything: report, then stop
                    elapsed = time.monotonic() - t0
                    msg = str(e) if isinstance(e, (StepFailure, WebDriverError)) else \
                        f"{type(e).__name__}: {e}\n{traceback.format_exc()}"
                    print(f"FAIL {i:2d} {name} ({elapsed:.1f} s): {msg}")
                    for n in self.notes:
                        print(f"     note: {n}")
                    try:
                        path = self.shot(f"fail-{i:02d}-{method[5:]}.png")
                        print(f"     screenshot of the failure: {path}")
                    except Exception as se:
                        print(f"     (no screenshot: {se})")
                    for line in self.diagnostics():
                        print(f"     {line}")
                    break
                passed += 1
                print(f"PASS {i:2d} {name} ({time.monotonic() - t0:.1f} s): {detail}")
                for n in self.notes:
                    print(f"     note: {n}")
            if passed == total:
                # any uncaught script error or content-security-policy violation fails the run —
                # caught by the page's listeners, or in Chrome's console from the first load on
                problems = list(self.js("return window.__e2eErrors || []") or [])
                for entry in self.b.console_log() or []:
                    message = entry.get("message", "")
                    if "Content Security Policy" in message or "Uncaught" in message:
                        problems.append("console: " + short(message, 240))
                for e in problems:
                    print(f"FAIL page error: {e}")
                if problems:
                    passed -= 1
        finally:
            self.b.quit()
        print(f"web e2e: {passed}/{total} steps passed; screenshots in {self.shots}")
        return 0 if passed == total else 1


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--base", required=True, help="the server, e.g. http://127.0.0.1:8080")
    p.add_argument("--driver", required=True, help="chromedriver, e.g. http://127.0.0.1:9515")
    p.add_argument("--token", required=True, help="a counsellor's key")
    p.add_argument("--revoked-token", required=True, help="a revoked key (right secret)")
    p.add_argument("--seekers", required=True, help="the seekers JSON Lines the data was made from")
    p.add_argument("--office", required=True, help="the key's office")
    p.add_argument("--name", default="김상담", help="the key's name, expected in #whoami")
    p.add_argument("--out", default=".build-e2e", help="output directory (screenshots/, print.pdf, e2e-state.json)")
    p.add_argument("--chrome", default="/usr/bin/chromium", help="the browser binary")
    p.add_argument("--timeout", type=float, default=10.0, help="seconds each wait may take")
    opts = p.parse_args()
    os.makedirs(opts.out, exist_ok=True)
    return E2E(opts).run()


if __name__ == "__main__":
    sys.exit(main())
