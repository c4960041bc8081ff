"""The launcher (ministack-server.py) on a free loopback port, for the tests of the harness."""

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
LAUNCHER = os.path.join(HERE, "..", "ministack-server.py")
ACCOUNT = "123456789012"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "AKIAMOCKMOCKMOCKMOCK", "AWS_SECRET_ACCESS_KEY": "mock-secret-not-a-real-key"}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Emulator:
    def __init__(self):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.data = tempfile.mkdtemp(prefix="ministack-test-")
        env = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", ""), **CREDENTIALS}
        self.log = open(os.path.join(self.data, "server.log"), "w")
        self.process = subprocess.Popen([sys.executable, LAUNCHER, str(self.port), self.data], env=env, stdout=self.log, stderr=subprocess.STDOUT)
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        for _ in range(300):
            try:
                opener.open(f"{self.url}/_ministack/health", timeout=2).read()
                break
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError(f"the launcher exited at start: {open(self.log.name).read()}")
                time.sleep(0.1)
        else:
            raise RuntimeError("the launcher did not answer within 30 s")
        os.environ.update(CREDENTIALS)
        os.environ["AWS_ENDPOINT_URL"] = self.url
        os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
        os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1"

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)
        self.log.close()
