"""A small WebDriver BiDi client for Firefox, which speaks the protocol itself: Debian
ships firefox-esr but no geckodriver, so the Firefox page tests drive the browser
directly over its remote-debugging WebSocket (https://w3c.github.io/webdriver-bidi/)."""
import base64
import contextlib
import ctypes
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time

import websockets.sync.client as wsclient


class BiDiError(RuntimeError):
    pass


class Firefox:
    """A headless Firefox with a fresh profile, one session and its first tab."""

    def __init__(self, binary="/usr/bin/firefox-esr", width=1280, height=860):
        self.profile = tempfile.mkdtemp(prefix="dawg-firefox-")
        # Quiet, local and fast: no first-run pages, updates or telemetry.
        prefs = {
            "browser.shell.checkDefaultBrowser": False,
            "browser.startup.homepage_override.mstone": "ignore",
            "datareporting.policy.dataSubmissionEnabled": False,
            "toolkit.telemetry.reportingpolicy.firstRun": False,
            "app.update.disabledForTesting": True,
            "remote.prefs.recommended": True,
        }
        with open(os.path.join(self.profile, "user.js"), "w") as f:
            for k, v in prefs.items():
                f.write(f"user_pref({json.dumps(k)}, {json.dumps(v)});\n")
        env = dict(os.environ, MOZ_HEADLESS="1", MOZ_CRASHREPORTER_DISABLE="1")
        self.connection = contextlib.ExitStack()  # the BiDi WebSocket, closed in close()
        self.process = subprocess.Popen(
            [binary, "--headless", "--no-remote", "--profile", self.profile, "--remote-debugging-port", "0"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env, preexec_fn=_die_with_parent)
        self.log = []
        self.next_id = 0
        self.events = []
        try:
            url = self._listening_address(timeout=60)
            self.ws = self.connection.enter_context(wsclient.connect(url + "/session", max_size=64 << 20, open_timeout=10))
            self.send("session.new", {"capabilities": {"alwaysMatch": {"acceptInsecureCerts": True}}})
            self.send("session.subscribe", {"events": ["log.entryAdded"]})
            self.context = self.send("browsingContext.getTree", {})["contexts"][0]["context"]
            self.resize(width, height)
        except BaseException:
            self.close()
            raise

    def _listening_address(self, timeout):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            line = self.process.stderr.readline()
            if not line:
                if self.process.poll() is not None:
                    raise BiDiError(f"firefox exited ({self.process.returncode}): {''.join(self.log)[-2000:]}")
                continue
            self.log.append(line)
            m = re.search(r"WebDriver BiDi listening on (ws://\S+)", line)
            if m:
                # Keep draining its stderr so it never blocks on a full pipe.
                threading.Thread(target=self._drain, daemon=True).start()
                return m.group(1)
        raise BiDiError("firefox did not open its WebDriver BiDi port")

    def _drain(self):
        for line in self.process.stderr:
            self.log.append(line)

    def send(self, method, params, timeout=30):
        """One command; its result, or BiDiError with the browser's message."""
        self.next_id += 1
        me = self.next_id
        self.ws.send(json.dumps({"id": me, "method": method, "params": params}))
        end = time.monotonic() + timeout
        while True:
            message = json.loads(self.ws.recv(timeout=max(0.1, end - time.monotonic())))
            if message.get("type") == "event":
                self.events.append(message)
                continue
            if message.get("id") != me:
                continue
            if message.get("type") == "error":
                raise BiDiError(f"{method}: {message.get('error')}: {message.get('message')}")
            return message["result"]

    def resize(self, width, height):
        self.send("browsingContext.setViewport", {"context": self.context, "viewport": {"width": width, "height": height}})

    def get(self, url):
        self.send("browsingContext.navigate", {"context": self.context, "url": url, "wait": "complete"})

    def run(self, expression):
        """The value of a JavaScript expression in the page (awaited if a promise), as
        JSON-able Python; elements come back as references for `click_at`."""
        result = self.send("script.evaluate", {
            "expression": expression, "target": {"context": self.context}, "awaitPromise": True,
            "resultOwnership": "root"})
        if result.get("type") == "exception":
            raise BiDiError(f"{expression}: {result['exceptionDetails'].get('text')}")
        return _value(result["result"])

    def element(self, css):
        result = self.send("script.evaluate", {
            "expression": f"document.querySelector({json.dumps(css)})",
            "target": {"context": self.context}, "awaitPromise": False, "resultOwnership": "root"})["result"]
        if result.get("type") != "node":
            raise BiDiError(f"no element {css}")
        return {"sharedId": result["sharedId"]}

    def click_at(self, css, dx=0, dy=0):
        """A real pointer click `dx`, `dy` pixels from the element's centre."""
        self.drag(css, dx, dy, 0)

    def drag(self, css, dx, dy, by, steps=2):
        """Press `dx`, `dy` pixels from the element's centre, move `by` pixels right in
        `steps` moves, release (a click when `by` is 0)."""
        moves = [{"type": "pointerMove", "x": int(by / steps), "y": 0, "origin": "pointer", "duration": 20}
                 for _ in range(steps)] if by else []
        self.send("input.performActions", {"context": self.context, "actions": [{
            "type": "pointer", "id": "mouse", "parameters": {"pointerType": "mouse"}, "actions": [
                {"type": "pointerMove", "x": int(dx), "y": int(dy), "origin": {"type": "element", "element": self.element(css)}},
                {"type": "pointerDown", "button": 0}, *moves,
                {"type": "pointerUp", "button": 0}]}]})
        self.send("input.releaseActions", {"context": self.context})

    def screenshot(self, path):
        data = self.send("browsingContext.captureScreenshot", {"context": self.context})["data"]
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))

    def errors(self):
        """What the page logged as errors (and uncaught exceptions) so far."""
        try:
            self.send("script.evaluate", {"expression": "0", "target": {"context": self.context}, "awaitPromise": False})
        except BiDiError:
            pass
        return [e["params"].get("text") for e in self.events
                if e.get("method") == "log.entryAdded" and e["params"].get("level") == "error"
                and "favicon" not in (e["params"].get("text") or "")]

    def close(self):
        try:
            self.send("session.end", {}, timeout=5)
        except Exception:
            pass
        try:
            self.connection.close()
        except Exception:
            pass
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.profile, ignore_errors=True)


def _die_with_parent():
    """In the child, before exec: Linux sends it SIGKILL when the test process dies, so
    a test run that is killed leaves no browser behind."""
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _value(remote):
    """A BiDi remote value as Python."""
    kind = remote.get("type")
    if kind in ("undefined", "null"):
        return None
    if kind in ("string", "boolean"):
        return remote["value"]
    if kind == "number":
        v = remote["value"]
        return {"NaN": float("nan"), "Infinity": float("inf"), "-Infinity": float("-inf"), "-0": -0.0}.get(v, v) if isinstance(v, str) else v
    if kind == "array":
        return [_value(v) for v in remote.get("value", [])]
    if kind == "object":
        return {k if isinstance(k, str) else _value(k): _value(v) for k, v in remote.get("value", [])}
    if kind == "node":
        return {"sharedId": remote.get("sharedId")}
    return remote.get("value")
