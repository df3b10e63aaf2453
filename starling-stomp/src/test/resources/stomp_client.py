"""A STOMP client on Debian's python3-stomp (stomp.py), driven by StompPyTest: one scenario per run.

Usage: stomp_client.py PORT SCENARIO [ARGS...]. Prints one line per event (flushed), exits 0 when the scenario
went as it should, 2 on a timeout.
"""
import json
import queue
import sys
import time

import stomp

TIMEOUT = 10


class Events(stomp.ConnectionListener):
    def __init__(self):
        self.q = queue.Queue()

    def on_message(self, frame):
        self.q.put(("MESSAGE", frame))

    def on_error(self, frame):
        self.q.put(("ERROR", frame))

    def on_receipt(self, frame):
        self.q.put(("RECEIPT", frame))

    def on_disconnected(self):
        self.q.put(("DISCONNECTED", None))

    def next(self, kind):
        deadline = time.time() + TIMEOUT
        while True:
            try:
                got, frame = self.q.get(timeout=max(0.01, deadline - time.time()))
            except queue.Empty:
                say("TIMEOUT waiting for " + kind)
                sys.exit(2)
            if got == kind:
                return frame
            if got == "ERROR" and kind != "ERROR":
                say("ERROR " + frame.headers.get("message", ""))
                sys.exit(1)


def say(line):
    print(line, flush=True)


def connect(port, login=None, passcode=None, headers=None, version="1.2"):
    cls = {"1.0": stomp.Connection10, "1.1": stomp.Connection11, "1.2": stomp.Connection12}[version]
    conn = cls([("127.0.0.1", port)], heartbeats=(0, 0)) if version != "1.0" else cls([("127.0.0.1", port)])
    events = Events()
    conn.set_listener("events", events)
    try:
        conn.connect(login, passcode, wait=True, headers=headers or {})
    except stomp.exception.ConnectFailedException:
        pass
    return conn, events


def message_json(frame):
    return json.dumps({"headers": frame.headers, "body": frame.body if isinstance(frame.body, str)
                       else frame.body.decode("utf-8")})


def main():
    port = int(sys.argv[1])
    scenario = sys.argv[2]
    args = sys.argv[3:]
    if scenario == "login":
        # login passcode: CONNECTED with the session (client id), or the ERROR's message
        conn, events = connect(port, args[0], args[1], headers={"client-id": "py-login"})
        if conn.is_connected():
            say("CONNECTED")
            conn.disconnect(receipt="bye")
        else:
            say("ERROR " + events.next("ERROR").headers.get("message", ""))
    elif scenario == "send":
        # destination body [header=value...]: SEND with a receipt
        conn, events = connect(port, "alice", "pa:ss")
        extra = dict(a.split("=", 1) for a in args[2:])
        conn.send(args[0], args[1], headers=extra, receipt="r-send")
        events.next("RECEIPT")
        say("RECEIPT")
        conn.disconnect()
    elif scenario == "subscribe":
        # destination ack count: prints each message as JSON, acknowledging it unless ack is auto
        conn, events = connect(port, "alice", "pa:ss")
        conn.subscribe(args[0], id="sub-1", ack=args[1], headers={"receipt": "r-sub"})
        events.next("RECEIPT")
        say("SUBSCRIBED")
        for _ in range(int(args[2])):
            frame = events.next("MESSAGE")
            say("MESSAGE " + message_json(frame))
            if args[1] != "auto":
                conn.ack(frame.headers["ack"])
        conn.disconnect(receipt="bye")
    elif scenario == "no-ack":
        # client-id destination: a persistent session with a client-ack subscription, one message taken, not acked
        conn, events = connect(port, "alice", "pa:ss", headers={"client-id": args[0], "session-expiry": "60"})
        conn.subscribe(args[1], id="keep", ack="client-individual", headers={"receipt": "r-sub"})
        events.next("RECEIPT")
        say("SUBSCRIBED")
        frame = events.next("MESSAGE")
        say("MESSAGE " + message_json(frame))
        conn.disconnect(receipt="bye")  # without ACK: the message stays in flight in the session
        say("GONE")
    elif scenario == "resume":
        # client-id: the same client back; what it did not acknowledge comes again, and is acknowledged now
        conn, events = connect(port, "alice", "pa:ss", headers={"client-id": args[0], "session-expiry": "60"})
        frame = events.next("MESSAGE")
        say("MESSAGE " + message_json(frame))
        conn.ack(frame.headers["ack"], receipt="r-ack")
        events.next("RECEIPT")
        say("ACKED")
        conn.disconnect(receipt="bye")
    elif scenario == "transaction":
        # destination: two SENDs in a transaction, committed after a pause
        conn, events = connect(port, "alice", "pa:ss")
        conn.begin("tx-1")
        conn.send(args[0], "first", transaction="tx-1")
        conn.send(args[0], "second", transaction="tx-1")
        say("HELD")
        time.sleep(0.5)
        say("COMMITTING")
        conn.commit("tx-1", receipt="r-commit")
        events.next("RECEIPT")
        say("COMMITTED")
        conn.disconnect()
    elif scenario == "refused-send":
        conn, events = connect(port, "bob", "secret")
        conn.send(args[0], "nope", receipt="r-no")
        say("ERROR " + events.next("ERROR").headers.get("message", ""))
    elif scenario == "refused-subscribe":
        conn, events = connect(port, "bob", "secret")
        conn.subscribe(args[0], id="s", receipt="r-no")
        say("ERROR " + events.next("ERROR").headers.get("message", ""))
    else:
        say("unknown scenario " + scenario)
        sys.exit(3)


if __name__ == "__main__":
    main()
