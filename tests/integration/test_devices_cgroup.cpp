// linux.resources.devices, enforced by the cgroup v2 device program.
//
// Two levels: the compiled programs loaded into this kernel and attached to
// a scratch cgroup, where a child tries mknod and open across a matrix and
// the answers must be the reference semantics' (device_allowed); and real
// containers, where the checker opens and creates device nodes.
//
// The host is hybrid (cgroup2 at /sys/fs/cgroup/unified): device programs
// on a cgroup2 directory apply there too, to the processes in it.
#include "device_rule_helpers.hpp"
#include "integration/harness.hpp"
#include "ward/base/error.hpp"
#include "ward/cgroups/cgroup.hpp"
#include "ward/cgroups/device_program.hpp"

#include <boost/test/unit_test.hpp>
#include <fcntl.h>
#include <filesystem>
#include <random>
#include <sstream>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace ward_it;
using namespace ward::cgroups;
namespace utf = boost::unit_test;

using namespace device_test;

namespace {

// Devices the matrix opens: made by the test (outside the cgroup) in a temp
// dir; each is harmless to open and close. Opening is all the child does.
struct OpenTarget {
    uint32_t major, minor;
};
const OpenTarget kOpenTargets[] = {{1, 3}, {1, 5}, {1, 7}, {1, 8}, {1, 9}};
const char* const kModes[] = {"r", "w", "rw"};
const unsigned kModeAccess[] = {kDevRead, kDevWrite, kDevRead | kDevWrite};
const int kModeFlags[] = {O_RDONLY, O_WRONLY, O_RDWR};

// Devices the matrix tries to create (mknod asks only for "m"; the nodes
// are never opened and are removed at once).
const uint32_t kMknodMajors[] = {1, 5, 7, 10, 136};
const uint32_t kMknodMinors[] = {0, 1, 3, 200};

// A scratch cgroup2 dir and a temp dir holding device nodes.
struct Scratch {
    Cgroup cgroup;
    std::string nodes;
    Scratch() {
        cgroup =
            Cgroup::create(resolve_path("", "ward-it-devfilter-" + std::to_string(::getpid())));
        char tmpl[] = "/tmp/ward-devfilter-XXXXXX";
        nodes = ::mkdtemp(tmpl);
        for (const auto& t : kOpenTargets) {
            std::string path = node(t.major, t.minor);
            if (::mknod(path.c_str(), S_IFCHR | 0600, makedev(t.major, t.minor)) != 0)
                throw std::runtime_error("mknod " + path);
        }
    }
    ~Scratch() {
        try {
            cgroup.destroy(true);
        } catch (const std::exception&) {
        }
        std::error_code ec;
        std::filesystem::remove_all(nodes, ec);
    }
    std::string node(uint32_t major, uint32_t minor) const {
        return nodes + "/c" + std::to_string(major) + "_" + std::to_string(minor);
    }

    // In a child moved into the cgroup: every open and mknod of the
    // matrix, as lines "KIND TYPE MAJOR MINOR ACCESS 0|1" (1: allowed, i.e.
    // anything but EPERM).
    std::string probe() const {
        int pipe_fds[2];
        if (::pipe2(pipe_fds, O_CLOEXEC) != 0)
            throw std::runtime_error("pipe");
        int go[2];
        if (::pipe2(go, O_CLOEXEC) != 0)
            throw std::runtime_error("pipe");
        pid_t pid = ::fork();
        if (pid == 0) {
            ::close(pipe_fds[0]);
            ::close(go[1]);
            char c;
            if (::read(go[0], &c, 1) != 1)
                ::_exit(3);
            std::ostringstream out;
            for (const auto& t : kOpenTargets)
                for (size_t m = 0; m < 3; ++m) {
                    std::string path = node(t.major, t.minor);
                    int fd =
                        ::open(path.c_str(), kModeFlags[m] | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
                    bool allowed = fd >= 0 || errno != EPERM;
                    if (fd >= 0)
                        ::close(fd);
                    out << "open c " << t.major << " " << t.minor << " " << kModeAccess[m] << " "
                        << allowed << "\n";
                }
            std::string made = nodes + "/made";
            for (char type : {'b', 'c'})
                for (uint32_t major : kMknodMajors)
                    for (uint32_t minor : kMknodMinors) {
                        mode_t kind = type == 'b' ? S_IFBLK : S_IFCHR;
                        int rc = ::mknod(made.c_str(), kind | 0600, makedev(major, minor));
                        bool allowed = rc == 0 || errno != EPERM;
                        ::unlink(made.c_str());
                        out << "mknod " << type << " " << major << " " << minor << " " << kDevMknod
                            << " " << allowed << "\n";
                    }
            std::string text = out.str();
            ssize_t n = ::write(pipe_fds[1], text.data(), text.size());
            ::_exit(n == static_cast<ssize_t>(text.size()) ? 0 : 4);
        }
        ::close(pipe_fds[1]);
        ::close(go[0]);
        ward::UniqueFd read_end(pipe_fds[0]);
        ward::UniqueFd go_end(go[1]);
        cgroup.add_process(pid);
        if (::write(go_end.get(), "g", 1) != 1)
            throw std::runtime_error("write go");
        go_end.reset();
        std::string text;
        char buf[4096];
        ssize_t n;
        while ((n = ::read(read_end.get(), buf, sizeof buf)) > 0)
            text.append(buf, static_cast<size_t>(n));
        int status = 0;
        ::waitpid(pid, &status, 0);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            throw std::runtime_error("probe child failed: " + std::to_string(status));
        return text;
    }
};

// The kernel's answers that differ from device_allowed(rules), one a line.
std::string differences(const std::string& probe, const std::vector<DeviceRule>& rules) {
    std::istringstream in(probe);
    std::string kind;
    char type;
    uint32_t major, minor;
    unsigned access;
    int allowed;
    std::string out;
    int lines = 0;
    while (in >> kind >> type >> major >> minor >> access >> allowed) {
        ++lines;
        bool want = device_allowed(rules, type, major, minor, access);
        if (want != (allowed == 1))
            out += kind + " " + type + " " + std::to_string(major) + ":" + std::to_string(minor) +
                   " access " + std::to_string(access) + ": kernel " + std::to_string(allowed) +
                   ", reference " + std::to_string(want) + "\n";
    }
    if (lines != 15 + 40)
        out += "probe reported " + std::to_string(lines) + " lines\n";
    return out;
}

// Device programs attached to the cgroup dir itself.
int attached_programs(const Cgroup& cg) {
    ward::UniqueFd dir(::open(cg.full_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    uint32_t ids[16];
    union bpf_attr attr {};
    attr.query.target_fd = static_cast<uint32_t>(dir.get());
    attr.query.attach_type = BPF_CGROUP_DEVICE;
    attr.query.prog_ids = reinterpret_cast<uintptr_t>(ids);
    attr.query.prog_cnt = 16;
    if (::syscall(SYS_bpf, BPF_PROG_QUERY, &attr, sizeof attr) != 0)
        return -1;
    return static_cast<int>(attr.query.prog_cnt);
}

void check_in_kernel(Scratch& s, const std::vector<DeviceRule>& rules) {
    DeviceFilter::attach(s.cgroup.full_path(), rules);
    BOOST_TEST(attached_programs(s.cgroup) == 1, describe(rules));
    BOOST_TEST(differences(s.probe(), rules) == "", describe(rules));
}

// Runs the container with these device rules and checker commands (run in
// turn by sh; their output is what counts).
Result run_with_devices(Bundle& b, const std::string& script) {
    for (const char* set : {"bounding", "effective", "permitted"}) {
        b.config["process"]["capabilities"][set].push("CAP_MKNOD");
        b.config["process"]["capabilities"][set].push("CAP_SYSLOG");
    }
    b.set_args({"/bin/sh", "-c", script + "; true"});
    return b.run(b.new_id("dev"));
}

Json device_rule(bool allow, const char* type, int major, int minor, const char* access) {
    Json r = Json::object();
    r["allow"] = allow;
    if (type)
        r["type"] = type;
    if (major >= 0)
        r["major"] = major;
    if (minor >= 0)
        r["minor"] = minor;
    r["access"] = access;
    return r;
}

// /dev/kmsg (1:11): outside the standard set, built into every kernel, and
// opening it needs nothing else the container lacks (write-only needs no
// privilege at all; reading, CAP_SYSLOG, which these containers get).
Json kmsg_node() {
    Json d = Json::object();
    d["path"] = "/dev/kmsg";
    d["type"] = "c";
    d["major"] = 1;
    d["minor"] = 11;
    d["fileMode"] = 0600;
    return d;
}

} // namespace

BOOST_AUTO_TEST_SUITE(devices_cgroup)

BOOST_AUTO_TEST_CASE(the_kernel_enforces_what_the_rules_mean,
                     *utf::label("ward_only") * utf::precondition(ward_only)) {
    Scratch s;
    // Without a program everything in the matrix is allowed: the probe can tell.
    BOOST_TEST(differences(s.probe(), {rule(true, 'a', kAnyNumber, kAnyNumber, "rwm")}) == "");

    check_in_kernel(s, standard_device_rules());
    check_in_kernel(s, with_standard({rule(false, 'a', kAnyNumber, kAnyNumber, "rwm"),
                                      rule(true, 'c', kAnyNumber, kAnyNumber, "m"),
                                      rule(true, 'b', kAnyNumber, kAnyNumber, "m"),
                                      rule(true, 'c', 10, 200, "rwm")}));
    check_in_kernel(s, with_standard({rule(true, 'a', kAnyNumber, kAnyNumber, "rwm")}));
    check_in_kernel(
        s, with_standard({rule(true, 'a', kAnyNumber, kAnyNumber, "rwm"),
                          rule(false, 'c', 1, kAnyNumber, "rwm"), rule(true, 'c', 1, 7, "r")}));
    // Rules after the standard set can deny its devices (a config cannot:
    // its rules come first).
    auto late_deny = standard_device_rules();
    late_deny.push_back(rule(false, 'c', 1, 3, "w"));
    late_deny.push_back(rule(false, 'c', 1, kAnyNumber, "m"));
    check_in_kernel(s, late_deny);

    std::mt19937 rng(4711);
    auto pick = [&](std::initializer_list<int64_t> values) {
        std::uniform_int_distribution<size_t> d(0, values.size() - 1);
        return *(values.begin() + static_cast<std::ptrdiff_t>(d(rng)));
    };
    for (int round = 0; round < 25; ++round) {
        std::vector<DeviceRule> rules;
        for (int64_t i = 0, n = pick({1, 2, 4, 6, 9}); i < n; ++i)
            rules.push_back(DeviceRule{pick({0, 1}) == 1, static_cast<char>(pick({'a', 'b', 'c'})),
                                       pick({kAnyNumber, kAnyNumber, 1, 5, 10}),
                                       pick({kAnyNumber, kAnyNumber, 3, 5, 200}),
                                       static_cast<unsigned>(pick({1, 2, 3, 4, 6, 7}))});
        check_in_kernel(s, round % 3 ? with_standard(rules) : rules);
    }
}

BOOST_AUTO_TEST_CASE(replacing_narrows_without_a_gap,
                     *utf::label("ward_only") * utf::precondition(ward_only)) {
    Scratch s;
    auto rules = standard_device_rules();
    auto wider = rules;
    wider.push_back(rule(true, 'c', 10, 200, "m"));
    DeviceFilter filter = DeviceFilter::attach(s.cgroup.full_path(), wider);
    BOOST_TEST(differences(s.probe(), wider) == "");
    filter.replace(rules);
    BOOST_TEST(attached_programs(s.cgroup) == 1);
    BOOST_TEST(differences(s.probe(), rules) == "");
}

BOOST_AUTO_TEST_CASE(standard_devices_work_in_a_default_deny_container) {
    Bundle b;
    Result r = run_with_devices(
        b, "/checker open /dev/null rw; /checker open /dev/zero r; /checker open /dev/full w; "
           "/checker open /dev/urandom r; /checker open /dev/random r; /checker open /dev/ptmx rw");
    BOOST_TEST_REQUIRE(r.status == 0, r.err);
    for (const char* line :
         {"open /dev/null rw: ok", "open /dev/zero r: ok", "open /dev/full w: ok",
          "open /dev/urandom r: ok", "open /dev/random r: ok", "open /dev/ptmx rw: ok"})
        BOOST_TEST(has_line(r.out, line), line << " missing in:\n" << r.out);
}

BOOST_AUTO_TEST_CASE(a_device_outside_the_allowed_set_cannot_be_created,
                     *utf::label("ward_only") * utf::precondition(ward_only)) {
    // runc allows mknod of every device ("c *:* m" in its standard set).
    Bundle b;
    b.config["linux"]["resources"]["devices"] =
        Json::array({device_rule(false, nullptr, -1, -1, "rwm")});
    Result r = run_with_devices(b, "/checker mknod /dev/mem c 1 1; /checker mknod /dev/sda b 8 0; "
                                   "/checker mknod /dev/null2 c 1 3");
    BOOST_TEST_REQUIRE(r.status == 0, r.err);
    BOOST_TEST(has_line(r.out, "mknod /dev/mem: error EPERM"), r.out);
    BOOST_TEST(has_line(r.out, "mknod /dev/sda: error EPERM"), r.out);
    BOOST_TEST(has_line(r.out, "mknod /dev/null2: ok"), r.out);
}

BOOST_AUTO_TEST_CASE(a_node_from_linux_devices_opens_only_as_the_rules_allow, *utf::label("asan")) {
    Bundle b;
    b.config["linux"]["devices"] = Json::array({kmsg_node()});
    b.config["linux"]["resources"]["devices"] =
        Json::array({device_rule(false, "a", -1, -1, "rwm")});
    const std::string probe = "/checker ls /dev; /checker open /dev/kmsg r; "
                              "/checker open /dev/kmsg w; /checker open /dev/kmsg rw";
    Result denied = run_with_devices(b, probe);
    BOOST_TEST_REQUIRE(denied.status == 0, denied.err);
    // The node is there (created during setup), but the container may not open it.
    BOOST_TEST(has_line(denied.out, "entry: kmsg char 1:11"), denied.out);
    BOOST_TEST(has_line(denied.out, "open /dev/kmsg r: error EPERM"), denied.out);
    BOOST_TEST(has_line(denied.out, "open /dev/kmsg w: error EPERM"), denied.out);
    BOOST_TEST(has_line(denied.out, "open /dev/kmsg rw: error EPERM"), denied.out);

    Bundle allowed_b;
    allowed_b.config["linux"]["devices"] = Json::array({kmsg_node()});
    allowed_b.config["linux"]["resources"]["devices"] = Json::array(
        {device_rule(false, nullptr, -1, -1, "rwm"), device_rule(true, "c", 1, 11, "r")});
    Result allowed = run_with_devices(allowed_b, probe);
    BOOST_TEST_REQUIRE(allowed.status == 0, allowed.err);
    BOOST_TEST(has_line(allowed.out, "open /dev/kmsg r: ok"), allowed.out);
    BOOST_TEST(has_line(allowed.out, "open /dev/kmsg w: error EPERM"), allowed.out);
    BOOST_TEST(has_line(allowed.out, "open /dev/kmsg rw: error EPERM"), allowed.out);
}

BOOST_AUTO_TEST_CASE(the_init_may_create_linux_devices_nodes_but_the_container_may_not,
                     *utf::label("ward_only") * utf::precondition(ward_only)) {
    Bundle b;
    b.config["linux"]["devices"] = Json::array({kmsg_node()});
    b.config["linux"]["resources"]["devices"] = Json::array(
        {device_rule(false, nullptr, -1, -1, "rwm"), device_rule(true, "c", 1, 11, "w")});
    Result r = run_with_devices(b, "/checker open /dev/kmsg w; /checker mknod /dev/kmsg2 c 1 11");
    BOOST_TEST_REQUIRE(r.status == 0, r.err);
    BOOST_TEST(has_line(r.out, "open /dev/kmsg w: ok"), r.out);
    BOOST_TEST(has_line(r.out, "mknod /dev/kmsg2: error EPERM"), r.out);
}

BOOST_AUTO_TEST_CASE(allowing_everything_allows_everything) {
    Bundle b;
    b.config["linux"]["devices"] = Json::array({kmsg_node()});
    b.config["linux"]["resources"]["devices"] =
        Json::array({device_rule(true, "a", -1, -1, "rwm")});
    Result r = run_with_devices(b, "/checker open /dev/kmsg w; /checker mknod /dev/mem c 1 1");
    BOOST_TEST_REQUIRE(r.status == 0, r.err);
    BOOST_TEST(has_line(r.out, "open /dev/kmsg w: ok"), r.out);
    BOOST_TEST(has_line(r.out, "mknod /dev/mem: ok"), r.out);
}

BOOST_AUTO_TEST_CASE(a_bad_device_number_is_refused_before_anything_exists,
                     *utf::label("ward_only") * utf::precondition(ward_only)) {
    Bundle b;
    Json bad = device_rule(true, "c", 1, -1, "r");
    bad["minor"] = -7;
    b.config["linux"]["resources"]["devices"] =
        Json::array({device_rule(false, nullptr, -1, -1, "rwm"), bad});
    std::string id = b.new_id("baddev");
    Result res = b.create(id);
    BOOST_TEST(res.status == 1, res.err);
    BOOST_TEST(res.err.find("linux.resources.devices[1].minor: -7 is not a device number") !=
                   std::string::npos,
               res.err);
    BOOST_TEST(leftovers(b, id).empty());
}

BOOST_AUTO_TEST_SUITE_END()
