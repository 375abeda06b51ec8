// The live half of `ward profile record`: a private copy of the bundle's
// config whose linux.seccomp notifies a listener socket in the same private
// directory, `ward run` of it as a child, and the listener answering every
// notification with SECCOMP_USER_NOTIF_FLAG_CONTINUE while it records.
//
// ward's init loads a NOTIFY filter before "ready" and hands its fd to
// create with sendmsg(2) right after the load: that one call cannot be
// notified (nobody but the init holds the fd yet, it would wait forever),
// so the recording filter allows sendmsg with exactly ward's flags
// (MSG_NOSIGNAL); everything else, ward's own calls up to execve included,
// reaches the listener.
#include "ward/audit/profile_record.hpp"
#include "ward/base/document.hpp"
#include "ward/base/error.hpp"
#include "ward/base/fd_passing.hpp"
#include "ward/base/file.hpp"
#include "ward/base/hex.hpp"
#include "ward/base/log.hpp"
#include "ward/base/strings.hpp"
#include "ward/json/json.hpp"
#include "ward/linux/procfs.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <linux/seccomp.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace ward::audit {
namespace {

// After `ward run` exits, a task outside the container's pid namespace may
// still hold the filter; the listener waits this long for a notification
// before it stops.
constexpr int kDrainMs = 2000;

json::Value& member(json::Value& object, const char* key) {
    if (json::Value* v = object.find(key))
        return *v;
    return object.set(key, json::Value::object());
}

json::Value recording_seccomp(const json::Value* original, const std::string& socket) {
    json::Value s = json::Value::object();
    s.set("defaultAction", "SCMP_ACT_NOTIFY");
    // The config's own architectures, else every one this host runs, so a
    // 32-bit call is recorded rather than killed.
    const json::Value* arches = original ? original->find("architectures") : nullptr;
    if (arches && arches->is_array() && !arches->as_array().empty()) {
        s.set("architectures", *arches);
    } else {
        json::Value list = json::Value::array();
#if defined(__x86_64__)
        for (const char* a : {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"})
            list.push(a);
#endif
        s.set("architectures", std::move(list));
    }
    s.set("listenerPath", socket);
    json::Value arg = json::Value::object();
    arg.set("index", 2);
    arg.set("value", MSG_NOSIGNAL);
    arg.set("op", "SCMP_CMP_EQ");
    json::Value rule = json::Value::object();
    rule.set("names", json::Value(json::Value::Array{json::Value("sendmsg")}));
    rule.set("action", "SCMP_ACT_ALLOW");
    rule.set("args", json::Value(json::Value::Array{arg}));
    s.set("syscalls", json::Value(json::Value::Array{rule}));
    return s;
}

bool is_bind(const json::Value& mount) {
    const json::Value* type = mount.find("type");
    if (type && type->is_string() && type->as_string() == "bind")
        return true;
    if (const json::Value* options = mount.find("options"); options && options->is_array())
        for (const auto& o : options->as_array())
            if (o.is_string() && (o.as_string() == "bind" || o.as_string() == "rbind"))
                return true;
    return false;
}

// The bundle's config for the private dir: paths that were relative to the
// bundle made absolute, the command replaced, the recording filter.
json::Value recording_config(const std::string& bundle, const std::vector<std::string>& args,
                             const std::string& socket, bool& nnp) {
    const std::string path = bundle + "/config.json";
    json::Value doc = with_context(path, [&] { return json::parse(read_document(path)); });
    if (!doc.is_object())
        fail(path + ": not a JSON object");
    json::Value& root = member(doc, "root");
    if (json::Value* p = root.find("path"); p && p->is_string() && !p->as_string().starts_with("/"))
        *p = json::Value(bundle + "/" + p->as_string());
    if (json::Value* mounts = doc.find("mounts"); mounts && mounts->is_array())
        for (auto& m : mounts->as_array()) {
            json::Value* source = m.is_object() ? m.find("source") : nullptr;
            if (source && source->is_string() && !source->as_string().starts_with("/") &&
                is_bind(m))
                *source = json::Value(bundle + "/" + source->as_string());
        }
    json::Value& process = member(doc, "process");
    if (!args.empty()) {
        json::Value list = json::Value::array();
        for (const auto& a : args)
            list.push(a);
        process.set("args", std::move(list));
    }
    const json::Value* flag = process.find("noNewPrivileges");
    nnp = flag && flag->is_bool() && flag->as_bool();
    json::Value& linux = member(doc, "linux");
    const json::Value* original = linux.find("seccomp");
    json::Value seccomp = recording_seccomp(original, socket);
    linux.set("seccomp", std::move(seccomp));
    return doc;
}

std::string random_suffix() {
    unsigned char bytes[6];
    if (::getrandom(bytes, sizeof bytes, 0) != static_cast<ssize_t>(sizeof bytes))
        fail_errno("getrandom");
    return to_hex(std::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes));
}

// Starts ward (this binary) with `args`, the child's signal mask set to
// `mask` before exec.
pid_t spawn_ward(const std::vector<std::string>& args, const sigset_t& mask) {
    std::vector<char*> argv;
    for (const auto& a : args)
        argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    pid_t pid = ::fork();
    if (pid < 0)
        fail_errno("fork ward");
    if (pid == 0) {
        ::sigprocmask(SIG_SETMASK, &mask, nullptr);
        ::execv("/proc/self/exe", argv.data());
        _exit(127);
    }
    return pid;
}

// Runs ward with `args`, no signal blocked, and waits; for the cleanup.
int run_ward(const std::vector<std::string>& args) {
    sigset_t none;
    sigemptyset(&none);
    pid_t pid = spawn_ward(args, none);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return status;
}

int exit_status_of(int status) {
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return 1;
}

// Everything record made, undone on every path: the child (killed if it
// still runs), the container (delete --force when its state dir is left),
// the private dir with its config and socket, the signal mask.
struct Session {
    std::string dir;
    std::string id;
    std::string root;
    std::vector<std::string> globals;
    pid_t child = -1;
    sigset_t old_mask{};
    bool mask_set = false;

    ~Session() {
        try {
            if (child > 0) {
                ::kill(child, SIGKILL);
                while (::waitpid(child, nullptr, 0) < 0 && errno == EINTR) {
                }
            }
            if (!id.empty() && fs::exists(root + "/" + id)) {
                std::vector<std::string> args = {"ward"};
                args.insert(args.end(), globals.begin(), globals.end());
                args.insert(args.end(), {"delete", "--force", id});
                run_ward(args);
            }
            if (!dir.empty()) {
                std::error_code ec;
                fs::remove_all(dir, ec);
            }
        } catch (...) {
        }
        if (mask_set)
            ::sigprocmask(SIG_SETMASK, &old_mask, nullptr);
    }
};

// The one message create sends: the state JSON with the notify fd.
UniqueFd accept_notify_fd(int listen_fd) {
    UniqueFd conn(::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC));
    if (!conn)
        fail_errno("accept on the recording listener");
    std::string buffer(1 << 16, '\0');
    auto msg = receive_with_fds(conn.get(), buffer.data(), buffer.size(), "recording listener");
    if (!msg || msg->fds.empty())
        fail("recording listener: create sent no seccomp notify fd");
    UniqueFd notify = std::move(msg->fds[0]);
    // Read the rest of the message (if any) so create's send completes.
    pollfd p{conn.get(), POLLIN, 0};
    while (::poll(&p, 1, 5000) == 1) {
        ssize_t n = ::read(conn.get(), buffer.data(), buffer.size());
        if (n <= 0)
            break;
    }
    return notify;
}

// Receives one notification, records it, lets the call continue.
void answer(int notify_fd, Recording& recording) {
    seccomp_notif req;
    std::memset(&req, 0, sizeof req);
    if (::ioctl(notify_fd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0) {
        if (errno == EINTR || errno == ENOENT) // the task died meanwhile
            return;
        fail_errno("SECCOMP_IOCTL_NOTIF_RECV");
    }
    uint64_t args[6];
    for (int i = 0; i < 6; ++i)
        args[i] = req.data.args[i];
    recording.add(req.data.arch, req.data.nr, args);
    // CONTINUE needs no ID_VALID check: nothing of the task's memory is
    // read, and the kernel runs the call itself.
    seccomp_notif_resp resp;
    std::memset(&resp, 0, sizeof resp);
    resp.id = req.id;
    resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
    if (::ioctl(notify_fd, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0 && errno != ENOENT)
        fail_errno("SECCOMP_IOCTL_NOTIF_SEND");
}

struct Loop {
    int listen_fd;
    int pidfd;
    int signal_fd;
    pid_t* child; // set to -1 once reaped
};

// Serves until the child has exited and no task uses the filter any more
// (POLLHUP), or nothing came for kDrainMs after the child's exit.
int serve(const Loop& loop, Recording& recording, bool& started) {
    UniqueFd notify;
    bool exited = false, hung_up = false;
    int status = 0;
    while (!(exited && (hung_up || !notify))) {
        pollfd fds[4] = {{loop.pidfd, static_cast<short>(exited ? 0 : POLLIN), 0},
                         {loop.signal_fd, POLLIN, 0},
                         {notify ? -1 : loop.listen_fd, POLLIN, 0},
                         {notify && !hung_up ? notify.get() : -1, POLLIN, 0}};
        int n = ::poll(fds, 4, exited ? kDrainMs : -1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            fail_errno("poll the recording listener");
        if (n == 0) {
            log::warn("profile record: tasks outside the container still hold the filter; "
                      "recording stops");
            break;
        }
        if (fds[3].revents & POLLIN)
            answer(notify.get(), recording);
        else if (fds[3].revents & (POLLHUP | POLLERR))
            hung_up = true;
        if (fds[2].revents & POLLIN) {
            notify = accept_notify_fd(loop.listen_fd);
            started = true;
        }
        if (fds[1].revents & POLLIN) {
            signalfd_siginfo info{};
            if (::read(loop.signal_fd, &info, sizeof info) == sizeof info)
                ::kill(*loop.child, static_cast<int>(info.ssi_signo));
        }
        if (fds[0].revents & POLLIN) {
            while (::waitpid(*loop.child, &status, 0) < 0 && errno == EINTR) {
            }
            *loop.child = -1;
            exited = true;
        }
    }
    return status;
}

UniqueFd listen_on(const std::string& path) {
    UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd)
        fail_errno("socket for the recording listener");
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.size() >= sizeof addr.sun_path)
        fail("recording listener path too long: " + path);
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0 ||
        ::listen(fd.get(), 4) < 0)
        fail_errno("listen on " + path);
    return fd;
}

} // namespace

RecordResult record_workload(const RecordRequest& request) {
    std::error_code ec;
    fs::path bundle = fs::canonical(request.bundle, ec);
    if (ec)
        fail("bundle " + quote(request.bundle) + ": " + ec.message());
    Session session;
    session.root = request.root;
    session.globals = request.ward_globals;
    std::string tmpl = (fs::temp_directory_path() / "ward-record.XXXXXX").string();
    if (!::mkdtemp(tmpl.data()))
        fail_errno("mkdtemp " + tmpl);
    session.dir = tmpl;
    const std::string socket = session.dir + "/listener.sock";

    RecordResult result;
    json::Value config =
        recording_config(bundle.string(), request.args, socket, result.no_new_privileges);
    write_file_atomic(session.dir + "/config.json", json::serialize(config), 0600);
    UniqueFd listener = listen_on(socket);

    // Signals meant for the workload (^C, a kill of record) go to `ward
    // run`, which forwards them to the container.
    sigset_t forward;
    sigemptyset(&forward);
    for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT})
        sigaddset(&forward, sig);
    if (::sigprocmask(SIG_BLOCK, &forward, &session.old_mask) < 0)
        fail_errno("block signals");
    session.mask_set = true;
    UniqueFd signal_fd(::signalfd(-1, &forward, SFD_CLOEXEC));
    if (!signal_fd)
        fail_errno("signalfd");

    session.id = "ward-record-" + std::to_string(::getpid()) + "-" + random_suffix();
    std::vector<std::string> args = {"ward"};
    args.insert(args.end(), request.ward_globals.begin(), request.ward_globals.end());
    args.insert(args.end(), {"run", "--bundle", session.dir, session.id});
    pid_t pid = spawn_ward(args, session.old_mask);
    session.child = pid;
    UniqueFd pidfd = linux::open_pidfd(pid);
    if (!pidfd)
        fail_errno("pidfd_open of ward run");

    bool started = false;
    int status = serve({listener.get(), pidfd.get(), signal_fd.get(), &session.child},
                       result.recording, started);
    result.exit_status = exit_status_of(status);
    if (!started)
        fail("profile record: the container never started under the recording filter "
             "(ward run exited " +
             std::to_string(result.exit_status) + "; its error is above)");
    return result;
}

} // namespace ward::audit
