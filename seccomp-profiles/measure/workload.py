# A small python service: threads, json, hashing, subprocess, a TCP echo on
# loopback with selectors, files. Run by measure.sh under strace.
import hashlib, json, os, selectors, socket, subprocess, tempfile, threading, time

def work(n, out):
    out[n] = hashlib.sha256(json.dumps({"n": n}).encode()).hexdigest()

out = {}
threads = [threading.Thread(target=work, args=(i, out)) for i in range(4)]
for t in threads: t.start()
for t in threads: t.join()

with tempfile.TemporaryDirectory() as d:
    p = os.path.join(d, "f.json")
    with open(p, "w") as f: json.dump(out, f)
    os.listdir(d); os.stat(p)

srv = socket.socket(); srv.bind(("127.0.0.1", 0)); srv.listen()
cli = socket.create_connection(srv.getsockname())
conn, _ = srv.accept()
sel = selectors.DefaultSelector(); sel.register(conn, selectors.EVENT_READ)
cli.sendall(b"ping"); sel.select(1); conn.recv(4)
for s in (cli, conn, srv): s.close()
subprocess.run(["/bin/true"], check=True)
time.sleep(0.01)
print("ok", len(out))
