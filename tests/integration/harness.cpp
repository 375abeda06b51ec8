#include "integration/harness.hpp"

#include "ward/base/fd_passing.hpp"

#include <atomic>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <map>
#include <poll.h>
#include <signal.h>
#include <sstream>
#include <stdexcept>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace fs = std::filesystem;

namespace ward_it {

namespace {

std::string absolute_from_env(const char* var, const char* fallback) {
    const char* v = std::getenv(var);
    std::string path = (v && *v) ? v : fallback;
    return fs::absolute(path).string();
}

} // namespace

std::string shipped_policy(const std::string& name) {
    if (name == "hardened-without-landlock") {
        struct TempFile {
            std::string path;
            ~TempFile() { ::unlink(path.c_str()); }
        };
        static TempFile copy{[] {
            std::string text = slurp(shipped_policy("hardened"));
            const std::string rule =
                ",\n    \"landlock\": {\"action\": \"enforce\", \"fill\": true}";
            size_t at = text.find(rule);
            if (at == std::string::npos)
                throw std::runtime_error("hardened.json: no landlock rule to leave out");
            text.erase(at, rule.size());
            std::string out =
                "/tmp/ward-test-hardened-without-landlock-" + std::to_string(::getpid()) + ".json";
            std::ofstream(out) << text;
            return out;
        }()};
        return copy.path;
    }
    std::string path = fs::absolute("contrib/policies/" + name + ".json").string();
    if (name != "hardened")
        return path;
    // Removed when the test binary exits.
    struct TempFile {
        std::string path;
        ~TempFile() { ::unlink(path.c_str()); }
    };
    static TempFile copy{[&] {
        std::string text = slurp(path);
        const std::string refuse = "\"unverified\": \"refuse\"";
        size_t at = text.find(refuse);
        if (at == std::string::npos)
            throw std::runtime_error(path + ": no \"unverified\": \"refuse\" to relax");
        text.replace(at, refuse.size(), "\"unverified\": \"allow\"");
        std::string out = "/tmp/ward-test-hardened-" + std::to_string(::getpid()) + ".json";
        std::ofstream(out) << text;
        return out;
    }()};
    return copy.path;
}

namespace {

// Extra global flags for the runtime, e.g. WARD_ARGS="--policy contrib/policies/hardened.json".
// Without WARD_ARGS, ward runs under the `compat` policy: these tests build
// OCI configs that ask for more than ward's hardened default allows (e.g.
// capabilities) and check that they are honoured as runc honours them. The
// policy's own tests (test_policy.cpp) pass --policy themselves.
std::vector<std::string> extra_global_args() {
    std::vector<std::string> out;
    const char* v = std::getenv("WARD_ARGS");
    if (!v) {
        if (runtime_is_ward())
            out = {"--policy", fs::absolute("contrib/policies/compat.json").string()};
        return out;
    }
    std::istringstream in(v);
    std::string word;
    while (in >> word)
        out.push_back(word);
    return out;
}

void write_text(const std::string& path, const std::string& text, mode_t mode = 0644) {
    std::ofstream f(path, std::ios::trunc);
    f << text;
    f.close();
    if (!f)
        throw std::runtime_error("write " + path + " failed");
    ::chmod(path.c_str(), mode);
}

void make_rootfs(const std::string& rootfs) {
    for (const char* d : {"bin", "etc", "tmp", "proc", "sys", "dev", "root", "home/user", "mnt"})
        fs::create_directories(rootfs + "/" + d);
    ::chmod((rootfs + "/tmp").c_str(), 01777);
    fs::copy_file("/bin/busybox", rootfs + "/bin/busybox");
    for (const char* tool : {"sh", "ls", "cat", "sleep", "true", "false", "echo", "id", "hostname",
                             "mount", "ps", "env", "kill", "test", "touch", "mkdir"})
        fs::create_symlink("busybox", rootfs + "/bin/" + tool);
    const std::string& checker = checker_path();
    if (!fs::exists(checker))
        throw std::runtime_error("checker not found at " + checker + " (make build/checker)");
    fs::copy_file(checker, rootfs + "/checker");
    ::chmod((rootfs + "/checker").c_str(), 0755);
    write_text(rootfs + "/etc/passwd",
               "root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000:user:/home/user:/bin/sh\n");
    write_text(rootfs + "/etc/group", "root:x:0:\nwheel:x:10:\nusers:x:100:\nuser:x:1000:\n");
}

void close_fds_from(unsigned first) {
    if (syscall(SYS_close_range, first, ~0U, 0) == 0)
        return;
    for (int fd = static_cast<int>(first); fd < 4096; fd++)
        ::close(fd);
}

Spawned spawn_process(const std::vector<std::string>& argv, const RunOptions& opts,
                      const std::string& out_path, const std::string& err_path) {
    std::vector<char*> cargv;
    for (const auto& a : argv)
        cargv.push_back(const_cast<char*>(a.c_str()));
    cargv.push_back(nullptr);
    pid_t pid = ::fork();
    if (pid < 0)
        throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
    if (pid == 0) {
        // Child: only async-signal-safe calls until execv.
        int in = ::open("/dev/null", O_RDONLY);
        int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (in < 0 || out < 0 || err < 0)
            _exit(126);
        // Move the fds to pass above every target slot first, so dup2 to
        // 3, 4, ... never overwrites one not yet placed.
        int high[16];
        size_t n = opts.pass_fds.size() < 16 ? opts.pass_fds.size() : 16;
        for (size_t i = 0; i < n; i++)
            high[i] = ::fcntl(opts.pass_fds[i], F_DUPFD, 200);
        int std_high[3] = {::fcntl(in, F_DUPFD, 200), ::fcntl(out, F_DUPFD, 200),
                           ::fcntl(err, F_DUPFD, 200)};
        for (int i = 0; i < 3; i++)
            if (std_high[i] < 0 || ::dup2(std_high[i], i) < 0)
                _exit(126);
        for (size_t i = 0; i < n; i++)
            if (high[i] < 0 || ::dup2(high[i], static_cast<int>(3 + i)) < 0)
                _exit(126);
        close_fds_from(static_cast<unsigned>(3 + n));
        for (const auto& e : opts.env)
            ::putenv(const_cast<char*>(e.c_str()));
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, nullptr);
        ::execv(cargv[0], cargv.data());
        _exit(127);
    }
    return Spawned(pid, out_path, err_path);
}

std::atomic<int> id_counter{0};

} // namespace

const std::string& runtime_path() {
    static const std::string path = absolute_from_env("WARD", "build/ward");
    return path;
}

const std::string& checker_path() {
    static const std::string path = absolute_from_env("CHECKER", "build/checker");
    return path;
}

bool runtime_is_ward() {
    return fs::path(runtime_path()).filename().string().rfind("ward", 0) == 0;
}

boost::test_tools::assertion_result ward_only(boost::unit_test::test_unit_id) {
    // WARD_IT_RUN_WARD_ONLY=1 runs them anyway, to see where another runtime falls short.
    const char* force = std::getenv("WARD_IT_RUN_WARD_ONLY");
    boost::test_tools::assertion_result r(runtime_is_ward() || (force && *force == '1'));
    if (!r)
        r.message() << "ward-specific test; the runtime under test is " << runtime_path();
    return r;
}

Spawned::Spawned(Spawned&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)), out_path_(std::move(other.out_path_)),
      err_path_(std::move(other.err_path_)) {}

Spawned::~Spawned() {
    if (pid_ > 0) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
    }
}

Result Spawned::wait(std::chrono::milliseconds timeout) {
    Result r;
    if (pid_ <= 0)
        throw std::logic_error("Spawned::wait called twice");
    int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid_, 0));
    bool exited = false;
    if (pidfd >= 0) {
        pollfd p{pidfd, POLLIN, 0};
        int rc;
        do
            rc = ::poll(&p, 1, static_cast<int>(timeout.count()));
        while (rc < 0 && errno == EINTR);
        exited = rc > 0;
        ::close(pidfd);
    } else {
        auto deadline = std::chrono::steady_clock::now() + timeout;
        while (!exited && std::chrono::steady_clock::now() < deadline) {
            siginfo_t si{};
            if (::waitid(P_PID, static_cast<id_t>(pid_), &si, WEXITED | WNOHANG | WNOWAIT) == 0 &&
                si.si_pid == pid_)
                exited = true;
            else
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
    }
    if (!exited) {
        r.timed_out = true;
        ::kill(pid_, SIGKILL); // the runtime we started, by its pid
    }
    int wstatus = 0;
    while (::waitpid(pid_, &wstatus, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
    r.status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
    r.out = slurp(out_path_);
    r.err = slurp(err_path_);
    return r;
}

Json mount_entry(const std::string& dest, const std::string& type, const std::string& source,
                 const std::vector<std::string>& options) {
    Json m = Json::object();
    m["destination"] = dest;
    m["type"] = type;
    m["source"] = source;
    m["options"] = Json::strings(options);
    return m;
}

Json default_config() {
    Json c = Json::object();
    c["ociVersion"] = "1.0.2";
    Json& p = c["process"];
    p["terminal"] = false;
    p["user"]["uid"] = 0;
    p["user"]["gid"] = 0;
    p["args"] = Json::strings({"/checker", "status"});
    p["env"] = Json::strings({"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"});
    p["cwd"] = "/";
    std::vector<std::string> caps = {
        "CAP_CHOWN",  "CAP_DAC_OVERRIDE", "CAP_FOWNER",          "CAP_KILL",
        "CAP_SETGID", "CAP_SETUID",       "CAP_NET_BIND_SERVICE"};
    for (const char* set : {"bounding", "effective", "permitted"})
        p["capabilities"][set] = Json::strings(caps);
    p["capabilities"]["inheritable"] = Json::array();
    p["capabilities"]["ambient"] = Json::array();
    Json nofile = Json::object();
    nofile["type"] = "RLIMIT_NOFILE";
    nofile["hard"] = 1024;
    nofile["soft"] = 1024;
    p["rlimits"] = Json::array({nofile});
    p["noNewPrivileges"] = true;

    c["root"]["path"] = "rootfs";
    c["root"]["readonly"] = true;
    c["hostname"] = "ward-it";
    c["mounts"] = Json::array(
        {mount_entry("/proc", "proc", "proc", {"nosuid", "noexec", "nodev"}),
         mount_entry("/dev", "tmpfs", "tmpfs",
                     {"nosuid", "strictatime", "mode=755", "size=65536k"}),
         mount_entry("/dev/pts", "devpts", "devpts",
                     {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"}),
         mount_entry("/dev/shm", "tmpfs", "shm",
                     {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}),
         mount_entry("/dev/mqueue", "mqueue", "mqueue", {"nosuid", "noexec", "nodev"}),
         mount_entry("/sys", "sysfs", "sysfs", {"nosuid", "noexec", "nodev", "ro"}),
         mount_entry("/tmp", "tmpfs", "tmpfs", {"nosuid", "nodev", "mode=1777", "size=16m"})});

    Json& linux = c["linux"];
    linux["namespaces"] = Json::array();
    for (const char* ns : {"pid", "network", "ipc", "uts", "mount"}) {
        Json n = Json::object();
        n["type"] = ns;
        linux["namespaces"].push(n);
    }
    linux["maskedPaths"] =
        Json::strings({"/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
                       "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
                       "/proc/sched_debug", "/proc/scsi", "/sys/firmware"});
    linux["readonlyPaths"] =
        Json::strings({"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"});
    return c;
}

std::string cap_mask(const std::vector<std::string>& names) {
    static const std::map<std::string, int> bits = {
        {"CAP_CHOWN", 0},           {"CAP_DAC_OVERRIDE", 1},
        {"CAP_DAC_READ_SEARCH", 2}, {"CAP_FOWNER", 3},
        {"CAP_FSETID", 4},          {"CAP_KILL", 5},
        {"CAP_SETGID", 6},          {"CAP_SETUID", 7},
        {"CAP_SETPCAP", 8},         {"CAP_NET_BIND_SERVICE", 10},
        {"CAP_NET_RAW", 13},        {"CAP_SYS_CHROOT", 18},
        {"CAP_SYS_ADMIN", 21},      {"CAP_MKNOD", 27},
        {"CAP_AUDIT_WRITE", 29},    {"CAP_SETFCAP", 31}};
    unsigned long long mask = 0;
    for (const auto& n : names)
        mask |= 1ULL << bits.at(n);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%016llx", mask);
    return buf;
}

std::vector<std::string> values_of(const std::string& out, std::string_view key) {
    std::vector<std::string> found;
    std::istringstream in(out);
    std::string line;
    std::string prefix = std::string(key) + ": ";
    while (std::getline(in, line))
        if (line.compare(0, prefix.size(), prefix) == 0)
            found.push_back(line.substr(prefix.size()));
    return found;
}

std::string value_of(const std::string& out, std::string_view key) {
    auto v = values_of(out, key);
    return v.empty() ? "" : v.front();
}

bool has_line(const std::string& out, std::string_view want) {
    std::istringstream in(out);
    std::string line;
    while (std::getline(in, line))
        if (line == want)
            return true;
    return false;
}

std::string slurp(const std::string& path) {
    std::ifstream f(path);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

Bundle::Bundle() {
    char tmpl[] = "/tmp/ward-it-XXXXXX";
    if (!::mkdtemp(tmpl))
        throw std::runtime_error(std::string("mkdtemp: ") + std::strerror(errno));
    dir = tmpl;
    ::chmod(dir.c_str(), 0755);
    state_dir = dir + "/state";
    bundle_dir = dir + "/bundle";
    rootfs = bundle_dir + "/rootfs";
    fs::create_directories(state_dir);
    fs::create_directories(dir + "/io");
    make_rootfs(rootfs);
}

Bundle::~Bundle() {
    for (const auto& id : ids_)
        runtime({"delete", "--force", id}, RunOptions{std::chrono::milliseconds(20000), {}, {}});
    for (pid_t pid : bundle_processes(*this)) {
        BOOST_TEST_MESSAGE("killing " << pid << ": still running from " << rootfs);
        ::kill(pid, SIGKILL);
    }
    std::error_code ec;
    for (const auto& id : ids_)
        for (const auto& cgroup : cgroup_dirs_for(id)) {
            for (int tries = 0; tries < 50 && fs::exists(cgroup, ec); tries++) {
                if (::rmdir(cgroup.c_str()) == 0 || errno != EBUSY)
                    break;
                std::this_thread::sleep_for(std::chrono::milliseconds(20)); // killed, not yet gone
            }
        }
    std::ifstream mi("/proc/self/mountinfo");
    std::string line;
    while (std::getline(mi, line)) {
        if (line.find(" " + dir + "/") != std::string::npos) {
            BOOST_TEST_MESSAGE("leaving " << dir << ": still mounted: " << line);
            return;
        }
    }
    fs::remove_all(dir, ec);
}

std::string Bundle::new_id(std::string_view hint) {
    std::string id = "ward-it-" + std::to_string(::getpid()) + "-" + std::to_string(id_counter++) +
                     "-" + std::string(hint);
    ids_.push_back(id);
    return id;
}

void Bundle::leave_to_policy(Seccomp seccomp) {
    config["process"].erase("capabilities");
    config["process"].erase("noNewPrivileges");
    config["root"].erase("readonly");
    config["linux"].erase("maskedPaths");
    config["linux"].erase("readonlyPaths");
    if (seccomp == Seccomp::leave_to_policy)
        config["linux"].erase("seccomp");
}

void Bundle::set_args(const std::vector<std::string>& args) {
    config["process"]["args"] = Json::strings(args);
}

void Bundle::write_config() const {
    write_text(bundle_dir + "/config.json", config.dump());
}

Spawned Bundle::spawn(const std::vector<std::string>& args, const RunOptions& opts) {
    std::vector<std::string> argv = {opts.runtime.empty() ? runtime_path() : opts.runtime};
    for (auto& a : extra_global_args())
        argv.push_back(a);
    argv.push_back("--root");
    argv.push_back(state_dir);
    argv.insert(argv.end(), args.begin(), args.end());
    int n = invocations_++;
    std::string io = dir + "/io/" + std::to_string(n);
    return spawn_process(argv, opts, io + ".out", io + ".err");
}

Result Bundle::runtime(const std::vector<std::string>& args, const RunOptions& opts) {
    Result r = spawn(args, opts).wait(opts.timeout);
    if (r.timed_out)
        BOOST_TEST_MESSAGE("runtime timed out and was killed; stderr: " << r.err);
    return r;
}

Result Bundle::run(const std::string& id, const RunOptions& opts) {
    write_config();
    return runtime({"run", "--bundle", bundle_dir, id}, opts);
}

Result Bundle::create(const std::string& id, const std::vector<std::string>& extra,
                      const RunOptions& opts) {
    write_config();
    std::vector<std::string> args = {"create", "--bundle", bundle_dir};
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back(id);
    return runtime(args, opts);
}

Json Bundle::state(const std::string& id) {
    Result r = runtime({"state", id});
    if (r.status != 0)
        throw std::runtime_error("state " + id + " failed (" + std::to_string(r.status) +
                                 "): " + r.err);
    return Json::parse(r.out);
}

std::string Bundle::status(const std::string& id) {
    Result r = runtime({"state", id});
    if (r.status != 0)
        return "";
    return Json::parse(r.out).at("status").str();
}

bool Bundle::wait_status(const std::string& id, const std::string& want,
                         std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        if (status(id) == want)
            return true;
        if (std::chrono::steady_clock::now() >= deadline)
            return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}

std::string Bundle::output_of(int invocation) const {
    return slurp(dir + "/io/" + std::to_string(invocation) + ".out");
}

ward::UniqueFd listen_unix(const std::string& path) {
    ward::UniqueFd sock(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (!sock || path.size() >= sizeof addr.sun_path)
        throw std::runtime_error("unix socket " + path + ": cannot create");
    path.copy(addr.sun_path, path.size());
    if (::bind(sock.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(sock.get(), 4) != 0)
        throw std::runtime_error("unix socket " + path + ": " + std::strerror(errno));
    return sock;
}

bool pid_alive(long pid) {
    std::string stat = slurp("/proc/" + std::to_string(pid) + "/stat");
    if (stat.empty())
        return false;
    auto paren = stat.rfind(')');
    return paren == std::string::npos || paren + 2 >= stat.size() || stat[paren + 2] != 'Z';
}

bool wait_pid_gone(long pid, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (pid_alive(pid)) {
        if (std::chrono::steady_clock::now() >= deadline)
            return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return true;
}

std::string listed(const std::vector<std::string>& items) {
    std::string s;
    for (const auto& i : items)
        s += "\n  " + i;
    return s;
}

ConsoleServer::ConsoleServer(const std::string& path) : sock_(listen_unix(path)) {}

int ConsoleServer::receive_fd(std::chrono::milliseconds timeout) {
    pollfd p{sock_.get(), POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) != 1)
        return -1;
    ward::UniqueFd conn(::accept4(sock_.get(), nullptr, nullptr, SOCK_CLOEXEC));
    if (conn.get() < 0)
        return -1;
    p = pollfd{conn.get(), POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) != 1)
        return -1;
    char data[4096];
    auto msg = ward::receive_with_fds(conn.get(), data, sizeof data, "console socket");
    if (!msg || msg->fds.empty())
        return -1;
    return msg->fds[0].release();
}

std::string read_until(int fd, const std::string& want, std::chrono::milliseconds timeout) {
    std::string got;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (want.empty() || got.find(want) == std::string::npos) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0)
            break;
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(left.count())) != 1)
            break;
        char buf[1024];
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n <= 0)
            break; // EIO: every slave fd closed
        got.append(buf, static_cast<size_t>(n));
    }
    return got;
}

} // namespace ward_it
