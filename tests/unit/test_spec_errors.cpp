// Bad configs and the exact message a user sees for each; the round trip
// config.json → Spec → config.json; the default config of `ward spec`.
#include "json_print.hpp"
#include "ward/base/error.hpp"
#include "ward/spec/features.hpp"
#include "ward/spec/names.hpp"
#include "ward/spec/parse.hpp"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sched.h>
#include <set>
#include <sys/resource.h>
#include <unistd.h>

using namespace ward;
namespace fs = std::filesystem;

namespace {

std::string parse_error(const std::string& text) {
    try {
        spec::parse_spec(text);
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

// A valid config around one linux section / process section.
std::string with_linux(const std::string& linux_json) {
    return R"({"ociVersion":"1.3.0","root":{"path":"rootfs"},"linux":)" + linux_json + "}";
}
std::string with_process(const std::string& process_json) {
    return R"({"ociVersion":"1.3.0","root":{"path":"rootfs"},"process":)" + process_json + "}";
}
std::string with_seccomp(const std::string& seccomp_json) {
    return with_linux(R"({"seccomp":)" + seccomp_json + "}");
}

struct BadConfig {
    std::string json;
    std::string message;
};

// Objects with keys sorted, recursively: member order is not part of meaning.
json::Value canonical(const json::Value& v) {
    if (v.is_array()) {
        json::Value out = json::Value::array();
        for (const auto& item : v.as_array())
            out.push(canonical(item));
        return out;
    }
    if (!v.is_object())
        return v;
    auto members = v.as_object();
    std::sort(members.begin(), members.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto& [key, value] : members)
        value = canonical(value);
    return json::Value(std::move(members));
}

struct TempDir {
    fs::path path;
    TempDir() {
        std::string tmpl = (fs::temp_directory_path() / "ward-spec-XXXXXX").string();
        path = ::mkdtemp(tmpl.data());
    }
    ~TempDir() { fs::remove_all(path); }
    void write(const std::string& name, const std::string& text) const {
        std::ofstream(path / name) << text;
    }
};

} // namespace

BOOST_AUTO_TEST_SUITE(spec_errors)

BOOST_AUTO_TEST_CASE(bad_configs_name_path_value_and_reason) {
    const std::string P = "config.json: ";
    const std::vector<BadConfig> cases = {
        // document and version
        {"[]", P + "expected object, got array"},
        {"{}", P + "ociVersion: missing required field"},
        {R"({"ociVersion":1})", P + "ociVersion: expected string, got number 1"},
        {R"({"ociVersion":"1.0"})",
         P + "ociVersion: \"1.0\" is not a semantic version (MAJOR.MINOR.PATCH, e.g. \"1.3.0\")"},
        {R"({"ociVersion":"1.02.0"})",
         P + "ociVersion: \"1.02.0\" is not a semantic version (MAJOR.MINOR.PATCH, e.g. "
             "\"1.3.0\")"},
        {R"({"ociVersion":"2.0.0"})",
         P + "ociVersion: \"2.0.0\" is not supported: ward reads runtime-spec 1.x (1.0.0 to "
             "1.3.0)"},
        {R"({"ociVersion":"0.9.0"})",
         P + "ociVersion: \"0.9.0\" is not supported: ward reads runtime-spec 1.x (1.0.0 to "
             "1.3.0)"},
        {R"({"ociVersion":"1.3.0","ociVersion":"1.3.0"})",
         P + "invalid JSON at line 1, column 35: duplicate key \"ociVersion\""},
        // root, mounts, hooks, names
        {R"({"ociVersion":"1.3.0","root":{}})", P + "root.path: missing required field"},
        {R"({"ociVersion":"1.3.0","root":{"path":""}})", P + "root.path: must not be empty"},
        {R"({"ociVersion":"1.3.0","root":{"path":"r","readonly":"yes"}})",
         P + "root.readonly: expected boolean, got string \"yes\""},
        {R"({"ociVersion":"1.3.0","mounts":[{"type":"proc"}]})",
         P + "mounts[0].destination: missing required field"},
        {R"({"ociVersion":"1.3.0","mounts":[{"destination":"/a"},{"destination":"proc"}]})",
         P + "mounts[1].destination: \"proc\" is not an absolute path"},
        {R"({"ociVersion":"1.3.0","mounts":[{"destination":"/a","options":"ro"}]})",
         P + "mounts[0].options: expected array, got string \"ro\""},
        {R"({"ociVersion":"1.3.0","mounts":[{"destination":"/a","options":["ro",7]}]})",
         P + "mounts[0].options[1]: expected string, got number 7"},
        {R"({"ociVersion":"1.3.0","mounts":[{"destination":"/a","uidMappings":[{"containerID":0,"hostID":1,"size":0}]}]})",
         P + "mounts[0].uidMappings[0].size: must be at least 1"},
        {R"({"ociVersion":"1.3.0","hooks":{"prestart":[{"path":"hook"}]}})",
         P + "hooks.prestart[0].path: \"hook\" is not an absolute path"},
        {R"({"ociVersion":"1.3.0","hooks":{"poststop":[{"path":"/h","timeout":0}]}})",
         P + "hooks.poststop[0].timeout: 0 is not a positive number of seconds"},
        {R"({"ociVersion":"1.3.0","hooks":{"createRuntime":[{}]}})",
         P + "hooks.createRuntime[0].path: missing required field"},
        {R"({"ociVersion":"1.3.0","annotations":{"a.b":1}})",
         P + "annotations[\"a.b\"]: expected string, got number 1"},
        {R"({"ociVersion":"1.3.0","hostname":"h","linux":{"namespaces":[{"type":"pid"}]}})",
         P + "hostname: set, but there is no uts namespace in linux.namespaces"},
        // process
        {with_process(R"({"cwd":"/"})"),
         P + "process.args: must name the program to run (at least one entry)"},
        {with_process(R"({"cwd":"/","args":[]})"),
         P + "process.args: must name the program to run (at least one entry)"},
        {with_process(R"({"args":["sh"]})"), P + "process.cwd: missing required field"},
        {with_process(R"({"args":["sh"],"cwd":"tmp"})"),
         P + "process.cwd: \"tmp\" is not an absolute path"},
        {with_process(R"({"args":["sh"],"cwd":"/","env":["PATH=/bin","JUNK"]})"),
         P + "process.env[1]: \"JUNK\" is not NAME=VALUE"},
        {with_process(R"({"args":["sh"],"cwd":"/","user":{"uid":"0"}})"),
         P + "process.user.uid: expected integer, got string \"0\""},
        {with_process(R"({"args":["sh"],"cwd":"/","user":{"uid":-1}})"),
         P + "process.user.uid: -1 is out of range for uint32 (0..4294967295)"},
        {with_process(R"({"args":["sh"],"cwd":"/","user":{"gid":4294967296}})"),
         P + "process.user.gid: 4294967296 is out of range for uint32 (0..4294967295)"},
        {with_process(R"({"args":["sh"],"cwd":"/","user":{"uid":1.5}})"),
         P + "process.user.uid: expected integer, got number 1.5"},
        {with_process(R"({"args":["sh"],"cwd":"/","user":{"additionalGids":[1,"2"]}})"),
         P + "process.user.additionalGids[1]: expected integer, got string \"2\""},
        {with_process(R"({"args":["sh"],"cwd":"/","user":{"umask":512}})"),
         P + "process.user.umask: 512 is out of range (0..511, i.e. 0777)"},
        {with_process(R"({"args":["sh"],"cwd":"/","oomScoreAdj":1001})"),
         P + "process.oomScoreAdj: 1001 is out of range (-1000..1000)"},
        {with_process(
             R"({"args":["sh"],"cwd":"/","ioPriority":{"class":"IOPRIO_CLASS_BE","priority":8}})"),
         P + "process.ioPriority.priority: 8 is out of range (0..7)"},
        {with_process(R"({"args":["sh"],"cwd":"/","ioPriority":{"class":"BE"}})"),
         P + "process.ioPriority.class: \"BE\" is not an I/O priority class"},
        {with_process(
             R"({"args":["sh"],"cwd":"/","rlimits":[{"type":"RLIMIT_FOO","soft":1,"hard":1}]})"),
         P + "process.rlimits[0].type: \"RLIMIT_FOO\" is not a known rlimit"},
        {with_process(
             R"({"args":["sh"],"cwd":"/","rlimits":[{"type":"RLIMIT_CORE","soft":1,"hard":1},{"type":"RLIMIT_CORE","soft":2,"hard":2}]})"),
         P + "process.rlimits[1].type: \"RLIMIT_CORE\" is listed twice"},
        {with_process(
             R"({"args":["sh"],"cwd":"/","rlimits":[{"type":"RLIMIT_NOFILE","soft":2048,"hard":1024}]})"),
         P + "process.rlimits[0]: soft limit 2048 is above hard limit 1024"},
        {with_process(R"({"args":["sh"],"cwd":"/","rlimits":[{"type":"RLIMIT_NOFILE","soft":1}]})"),
         P + "process.rlimits[0].hard: missing required field"},
        {with_process(R"({"args":["sh"],"cwd":"/","capabilities":{"bounding":"CAP_KILL"}})"),
         P + "process.capabilities.bounding: expected array, got string \"CAP_KILL\""},
        // The runtime-spec: a value that cannot be mapped to the kernel MUST
        // be an error. Every set is checked, the first unknown name reported.
        {with_process(
             R"({"args":["sh"],"cwd":"/","capabilities":{"bounding":["CAP_KILL","CAP_CHOWN","CAP_FOO"]}})"),
         P + "process.capabilities.bounding[2]: unknown capability \"CAP_FOO\""},
        {with_process(
             R"({"args":["sh"],"cwd":"/","capabilities":{"bounding":[],"ambient":["cap_kill"]}})"),
         P + "process.capabilities.ambient[0]: unknown capability \"cap_kill\""},
        {with_process(R"({"args":["sh"],"cwd":"/","scheduler":{"policy":"SCHED_FAST"}})"),
         P + "process.scheduler.policy: \"SCHED_FAST\" is not a scheduler policy"},
        {with_process(R"({"args":["sh"],"cwd":"/","execCPUAffinity":{"initial":"0-3;7"}})"),
         P + "process.execCPUAffinity.initial: \"0-3;7\" is not a CPU list like \"0-3,7\""},
        {with_process(R"({"args":["sh"],"cwd":"/","noNewPrivileges":1})"),
         P + "process.noNewPrivileges: expected boolean, got number 1"},
        // linux: namespaces, mappings, devices
        {with_linux(R"({"namespaces":[{"type":"pid"},{"type":"ipc"},{"type":"nett"}]})"),
         P + "linux.namespaces[2].type: \"nett\" is not a namespace type"},
        {with_linux(R"({"namespaces":[{"type":"pid"},{"type":"pid"}]})"),
         P + "linux.namespaces[1].type: \"pid\" is listed twice"},
        {with_linux(R"({"namespaces":[{"type":"network","path":"proc/1/ns/net"}]})"),
         P + "linux.namespaces[0].path: \"proc/1/ns/net\" is not an absolute path"},
        {with_linux(R"({"namespaces":[{"path":"/proc/1/ns/net"}]})"),
         P + "linux.namespaces[0].type: missing required field"},
        {with_linux(R"({"uidMappings":[{"containerID":0,"hostID":1000,"size":1}]})"),
         P + "linux.uidMappings: set, but there is no user namespace in linux.namespaces"},
        {with_linux(R"({"namespaces":[{"type":"user"}]})"),
         P + "linux.uidMappings: missing required field (a new user namespace needs mappings)"},
        {with_linux(R"({"uidMappings":[{"containerID":0,"size":1}]})"),
         P + "linux.uidMappings[0].hostID: missing required field"},
        {with_linux(R"({"devices":[{"type":"x","path":"/dev/x"}]})"),
         P + "linux.devices[0].type: \"x\" is not a device type (c, b, u, p)"},
        {with_linux(
             R"({"devices":[{"type":"c","path":"/dev/fuse","major":10,"minor":229},{"type":"c","path":"/dev/fuse","major":10,"minor":229}]})"),
         P + "linux.devices[1].path: \"/dev/fuse\" is listed twice"},
        {with_linux(R"({"devices":[{"type":"c","path":"dev/fuse","major":10,"minor":229}]})"),
         P + "linux.devices[0].path: \"dev/fuse\" is not an absolute path"},
        {with_linux(R"({"devices":[{"type":"b","path":"/dev/sda","minor":0}]})"),
         P + "linux.devices[0].major: missing required field"},
        // linux: seccomp
        {with_seccomp(R"({"defaultAction":"SCMP_ACT_DENY"})"),
         P + "linux.seccomp.defaultAction: \"SCMP_ACT_DENY\" is not a seccomp action"},
        {with_seccomp(R"({})"), P + "linux.seccomp.defaultAction: missing required field"},
        {with_seccomp(R"({"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_Z80"]})"),
         P + "linux.seccomp.architectures[0]: \"SCMP_ARCH_Z80\" is not a seccomp architecture"},
        {with_seccomp(R"({"defaultAction":"SCMP_ACT_ALLOW","flags":["SECCOMP_FILTER_FLAG_FAST"]})"),
         P + "linux.seccomp.flags[0]: \"SECCOMP_FILTER_FLAG_FAST\" is not a seccomp filter flag"},
        {with_seccomp(
             R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":[],"action":"SCMP_ACT_ERRNO"}]})"),
         P + "linux.seccomp.syscalls[0].names: must name at least one syscall"},
        {with_seccomp(
             R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["kill"],"action":"SCMP_ACT_ERRNO","args":[{"index":0,"value":1,"op":"SCMP_CMP_APPROX"}]}]})"),
         P + "linux.seccomp.syscalls[0].args[0].op: \"SCMP_CMP_APPROX\" is not a seccomp operator"},
        {with_seccomp(
             R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["kill"],"action":"SCMP_ACT_ERRNO","args":[{"index":6,"value":1,"op":"SCMP_CMP_EQ"}]}]})"),
         P + "linux.seccomp.syscalls[0].args[0].index: 6 is not a syscall argument index (0..5)"},
        {with_seccomp(
             R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["kill"],"action":"SCMP_ACT_ERRNO","args":[{"index":0,"value":-1,"op":"SCMP_CMP_EQ"}]}]})"),
         P + "linux.seccomp.syscalls[0].args[0].value: -1 is out of range for uint64 "
             "(0..18446744073709551615)"},
        {with_seccomp(
             R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["kill"],"action":"SCMP_ACT_NOTIFY"}]})"),
         P + "linux.seccomp.listenerPath: missing required field (SCMP_ACT_NOTIFY is used)"},
        {with_seccomp(
             R"({"defaultAction":"SCMP_ACT_ALLOW","listenerPath":"run/l.sock","syscalls":[{"names":["kill"],"action":"SCMP_ACT_NOTIFY"}]})"),
         P + "linux.seccomp.listenerPath: \"run/l.sock\" is not an absolute path"},
        // linux: the rest
        {with_linux(R"({"rootfsPropagation":"sideways"})"),
         P + "linux.rootfsPropagation: \"sideways\" is not a mount propagation"},
        {with_linux(R"({"personality":{"domain":"LINUX64"}})"),
         P + "linux.personality.domain: \"LINUX64\" is not a personality domain (LINUX, "
             "LINUX32)"},
        {with_linux(R"({"maskedPaths":["/proc/kcore","proc/keys"]})"),
         P + "linux.maskedPaths[1]: \"proc/keys\" is not an absolute path"},
        {with_linux(R"({"sysctl":{"net.ipv4.ip_forward":1}})"),
         P + "linux.sysctl[\"net.ipv4.ip_forward\"]: expected string, got number 1"},
        {with_linux(R"({"namespaces":[{"type":"time"}],"timeOffsets":{"realtime":{"secs":1}}})"),
         P + "linux.timeOffsets.realtime: \"realtime\" is not a clock (boottime, monotonic)"},
        {with_linux(R"({"timeOffsets":{"monotonic":{"secs":1}}})"),
         P + "linux.timeOffsets: set, but there is no time namespace in linux.namespaces"},
        {with_linux(R"({"netDevices":{"eth0/x":{}}})"),
         P + "linux.netDevices[\"eth0/x\"]: \"eth0/x\" is not a network interface name"},
        {with_linux(R"({"intelRdt":{"memBwSchema":"L3:0=ff"}})"),
         P + "linux.intelRdt.memBwSchema: \"L3:0=ff\" is not one \"MB:...\" line"},
        // linux.resources
        {with_linux(R"({"resources":{"devices":[{"access":"rwm"}]}})"),
         P + "linux.resources.devices[0].allow: missing required field"},
        {with_linux(R"({"resources":{"devices":[{"allow":true,"access":"rwx"}]}})"),
         P + "linux.resources.devices[0].access: \"rwx\" is not a combination of r, w and m"},
        {with_linux(R"({"resources":{"devices":[{"allow":true,"type":"p"}]}})"),
         P + "linux.resources.devices[0].type: \"p\" is not a device rule type (a, c, b)"},
        {with_linux(R"({"resources":{"pids":{}}})"),
         P + "linux.resources.pids.limit: missing required field"},
        {with_linux(R"({"resources":{"memory":{"limit":1.5e9}}})"),
         P + "linux.resources.memory.limit: expected integer, got number 1.5e+09"},
        {with_linux(R"({"resources":{"memory":{"limit":9223372036854775808}}})"),
         P + "linux.resources.memory.limit: 9223372036854775808 is out of range for int64 "
             "(-9223372036854775808..9223372036854775807)"},
        {with_linux(R"({"resources":{"blockIO":{"weight":70000}}})"),
         P + "linux.resources.blockIO.weight: 70000 is out of range for uint16 (0..65535)"},
        {with_linux(
             R"({"resources":{"blockIO":{"throttleReadBpsDevice":[{"major":8,"rate":1}]}}})"),
         P + "linux.resources.blockIO.throttleReadBpsDevice[0].minor: missing required field"},
        {with_linux(R"({"resources":{"hugepageLimits":[{"pageSize":"2MB"}]}})"),
         P + "linux.resources.hugepageLimits[0].limit: missing required field"},
        {with_linux(R"({"resources":{"network":{"priorities":[{"name":"eth0","priority":-1}]}}})"),
         P + "linux.resources.network.priorities[0].priority: -1 is out of range for uint32 "
             "(0..4294967295)"},
        {with_linux(R"({"resources":{"unified":{"memory.max":512}}})"),
         P + "linux.resources.unified[\"memory.max\"]: expected string, got number 512"},
    };
    BOOST_TEST(cases.size() >= 35u);
    std::set<std::string> distinct;
    for (const auto& c : cases) {
        BOOST_TEST_CONTEXT(c.json) {
            BOOST_TEST(parse_error(c.json) == c.message);
            distinct.insert(c.json);
        }
    }
    BOOST_TEST(distinct.size() == cases.size());
}

BOOST_AUTO_TEST_CASE(source_prefix_is_the_callers) {
    BOOST_TEST(parse_error(R"({"ociVersion":"1.3.0","mounts":{}})") ==
               "config.json: mounts: expected array, got object");
    try {
        spec::parse_spec("{}", "/b/config.json");
        BOOST_FAIL("no throw");
    } catch (const Error& e) {
        BOOST_TEST(std::string(e.what()) == "/b/config.json: ociVersion: missing required field");
    }
}

BOOST_AUTO_TEST_CASE(lenient_where_the_spec_says_so) {
    // Unknown fields are ignored; null reads as absent, as in Go.
    auto s = spec::parse_spec(
        R"({"ociVersion":"1.2.0-rc.1+build","future":{"x":1},"hostname":null,
            "process":{"args":["sh"],"cwd":"/","commandLine":"x","capabilities":{"bounding":["CAP_CHECKPOINT_RESTORE","CAP_KILL"]}},
            "linux":{"memoryPolicy":{"mode":"MPOL_BIND"},"rootfsPropagation":"rslave",
                     "seccomp":{"defaultAction":"SCMP_ACT_ERRNO","architectures":["SCMP_ARCH_LOONGARCH64"],
                                "syscalls":[{"names":["kill"],"action":"SCMP_ACT_ALLOW",
                                             "args":[{"index":1,"value":18446744073709551615,"op":"SCMP_CMP_MASKED_EQ"}]}]}}})");
    BOOST_TEST(s.process->capabilities->bounding->at(0) == "CAP_CHECKPOINT_RESTORE");
    BOOST_TEST(!s.process->capabilities->effective);
    BOOST_TEST(s.hostname == "");
    BOOST_TEST(!s.root);
    BOOST_TEST(s.linux->seccomp->syscalls[0].args[0].value == 18446744073709551615ull);
}

BOOST_AUTO_TEST_CASE(round_trip_keeps_every_field) {
    // Every field of config.hpp, at non-default values.
    const std::string full = R"({
      "ociVersion": "1.3.0",
      "process": {
        "terminal": true, "consoleSize": {"height": 24, "width": 80},
        "user": {"uid": 1, "gid": 2, "umask": 18, "additionalGids": [3, 4], "username": "u"},
        "args": ["sh", "-c", "x"], "env": ["A=1"], "cwd": "/w",
        "capabilities": {"bounding": ["CAP_KILL"], "effective": [], "inheritable": [],
                         "permitted": ["CAP_KILL"], "ambient": []},
        "rlimits": [{"type": "RLIMIT_NOFILE", "hard": 18446744073709551615, "soft": 10}],
        "noNewPrivileges": false, "apparmorProfile": "a", "oomScoreAdj": -1000,
        "selinuxLabel": "s",
        "scheduler": {"policy": "SCHED_DEADLINE", "nice": -5, "priority": 3,
                      "flags": ["SCHED_FLAG_RECLAIM"], "runtime": 1, "deadline": 2, "period": 3},
        "ioPriority": {"class": "IOPRIO_CLASS_IDLE", "priority": 7},
        "execCPUAffinity": {"initial": "0-3", "final": "4"}
      },
      "root": {"path": "/r", "readonly": true},
      "hostname": "h", "domainname": "d",
      "mounts": [{"destination": "/m", "type": "bind", "source": "/s", "options": ["rbind", "idmap"],
                  "uidMappings": [{"containerID": 0, "hostID": 100, "size": 10}],
                  "gidMappings": [{"containerID": 0, "hostID": 200, "size": 10}]}],
      "hooks": {
        "prestart": [{"path": "/p"}],
        "createRuntime": [{"path": "/c", "args": ["c", "1"], "env": ["E=1"], "timeout": 3}],
        "createContainer": [{"path": "/cc"}], "startContainer": [{"path": "/sc"}],
        "poststart": [{"path": "/ps"}], "poststop": [{"path": "/pst"}]
      },
      "annotations": {"k": "v"},
      "linux": {
        "uidMappings": [{"containerID": 0, "hostID": 1000, "size": 65536}],
        "gidMappings": [{"containerID": 0, "hostID": 1000, "size": 65536}],
        "timeOffsets": {"boottime": {"secs": -5, "nanosecs": 7}, "monotonic": {"secs": 1, "nanosecs": 0}},
        "sysctl": {"net.ipv4.ip_forward": "1"},
        "resources": {
          "devices": [{"allow": false, "access": "rwm"},
                      {"allow": true, "type": "c", "major": 1, "minor": 3, "access": "rw"}],
          "memory": {"limit": 1, "reservation": 2, "swap": 3, "kernel": 4, "kernelTCP": 5,
                     "swappiness": 6, "disableOOMKiller": true, "useHierarchy": false,
                     "checkBeforeUpdate": true},
          "cpu": {"shares": 1, "quota": -1, "burst": 2, "period": 3, "realtimeRuntime": 4,
                  "realtimePeriod": 5, "cpus": "0", "mems": "0", "idle": 1},
          "pids": {"limit": -1},
          "blockIO": {"weight": 10, "leafWeight": 20,
                      "weightDevice": [{"major": 8, "minor": 0, "weight": 1, "leafWeight": 2}],
                      "throttleReadBpsDevice": [{"major": 8, "minor": 0, "rate": 1}],
                      "throttleWriteBpsDevice": [{"major": 8, "minor": 0, "rate": 2}],
                      "throttleReadIOPSDevice": [{"major": 8, "minor": 0, "rate": 3}],
                      "throttleWriteIOPSDevice": [{"major": 8, "minor": 0, "rate": 4}]},
          "hugepageLimits": [{"pageSize": "2MB", "limit": 1}],
          "network": {"classID": 1, "priorities": [{"name": "eth0", "priority": 2}]},
          "rdma": {"mlx": {"hcaHandles": 1, "hcaObjects": 2}},
          "unified": {"memory.high": "max"}
        },
        "cgroupsPath": "/c",
        "namespaces": [{"type": "user"}, {"type": "time"}, {"type": "uts"},
                       {"type": "network", "path": "/proc/1/ns/net"}],
        "devices": [{"type": "c", "path": "/dev/null", "major": 1, "minor": 3, "fileMode": 438,
                     "uid": 0, "gid": 0},
                    {"type": "p", "path": "/dev/fifo", "major": 0, "minor": 0}],
        "seccomp": {"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1,
                    "architectures": ["SCMP_ARCH_X86_64"], "flags": ["SECCOMP_FILTER_FLAG_LOG"],
                    "listenerPath": "/l", "listenerMetadata": "m",
                    "syscalls": [{"names": ["a"], "action": "SCMP_ACT_NOTIFY", "errnoRet": 2,
                                  "args": [{"index": 5, "value": 1, "valueTwo": 2, "op": "SCMP_CMP_MASKED_EQ"}]}]},
        "rootfsPropagation": "rprivate",
        "maskedPaths": [], "readonlyPaths": ["/proc/sys"],
        "mountLabel": "ml",
        "personality": {"domain": "LINUX32", "flags": ["x"]},
        "intelRdt": {"closID": "c", "l3CacheSchema": "L3:0=f", "memBwSchema": "MB:0=20",
                     "schemata": ["L2:0=f"], "enableMonitoring": true},
        "netDevices": {"eth1": {"name": "c1"}, "eth2": {}}
      }
    })";
    json::Value doc = json::parse(full);
    json::Value emitted = spec::spec_to_json(spec::spec_from_json(doc));
    BOOST_TEST(canonical(emitted) == canonical(doc));
    // And once more through text.
    json::Value again =
        spec::spec_to_json(spec::parse_spec(json::serialize(emitted, json::Style::pretty)));
    BOOST_TEST(again == emitted);
}

BOOST_AUTO_TEST_CASE(default_spec_is_hardened) {
    spec::Spec s = spec::default_spec();
    BOOST_TEST(s.oci_version == "1.3.0");
    BOOST_TEST(s.process->args == std::vector<std::string>{"sh"});
    BOOST_TEST(s.process->cwd == "/");
    BOOST_TEST(s.process->user.uid == 0u);
    BOOST_TEST(!s.process->terminal);
    const auto& caps = *s.process->capabilities;
    for (const auto* set :
         {&caps.bounding, &caps.effective, &caps.inheritable, &caps.permitted, &caps.ambient}) {
        BOOST_TEST_REQUIRE(set->has_value()); // present, so the policy sees "none"
        BOOST_TEST((*set)->empty());
    }
    BOOST_TEST(s.process->no_new_privileges.value());
    BOOST_TEST(s.process->rlimits.at(0).type == "RLIMIT_NOFILE");
    BOOST_TEST(s.process->rlimits.at(0).hard == 1024u);
    BOOST_TEST(s.root->path == "rootfs");
    BOOST_TEST(s.root->readonly.value_or(false));
    BOOST_TEST(s.hostname == "ward");
    BOOST_TEST(s.mounts.size() == 7u);
    BOOST_TEST(s.mounts[6].destination == "/sys/fs/cgroup");
    BOOST_TEST(s.mounts[6].type == "cgroup");
    for (const char* type : {"pid", "network", "ipc", "uts", "mount", "cgroup"})
        BOOST_TEST(s.find_namespace(type) != nullptr, type);
    BOOST_TEST(!s.find_namespace("user"));
    BOOST_TEST(s.linux->masked_paths->size() == 11u);
    BOOST_TEST(s.linux->readonly_paths->size() == 5u);
    BOOST_TEST(s.linux->resources->devices.at(0).allow == false);
    BOOST_TEST(s.linux->resources->devices.at(0).access == "rwm");

    // What `ward spec` prints parses back to the same document.
    json::Value doc = spec::spec_to_json(s);
    BOOST_TEST(spec::spec_to_json(spec::parse_spec(json::serialize(doc))) == doc);
    const json::Value* emitted_caps = doc.find("process")->find("capabilities");
    BOOST_TEST(json::serialize(*emitted_caps) ==
               R"({"bounding":[],"effective":[],"inheritable":[],"permitted":[],"ambient":[]})");
}

// `ward spec --rootless`: tests/unit/test_rootless.cpp.

BOOST_AUTO_TEST_CASE(bundle_loading) {
    TempDir dir;
    try {
        spec::load_bundle_spec(dir.path.string());
        BOOST_FAIL("no throw");
    } catch (const Error& e) {
        BOOST_TEST(std::string(e.what()) ==
                   "open " + dir.path.string() + "/config.json: no such file or directory");
    }
    dir.write("config.json", R"({"ociVersion":"1.3.0","root":{"path":"./rootfs/../rootfs"}})");
    spec::Spec s = spec::load_bundle_spec(dir.path.string() + "/");
    BOOST_TEST(s.root->path == dir.path.string() + "/rootfs");

    dir.write("config.json", R"({"ociVersion":"1.3.0","root":{"path":"/abs"}})");
    BOOST_TEST(spec::load_bundle_spec(dir.path.string()).root->path == "/abs");

    dir.write("config.json", R"({"ociVersion":"1.3.0"})");
    BOOST_CHECK_EXCEPTION(spec::load_bundle_spec(dir.path.string()), Error, [](const Error& e) {
        return std::string(e.what()) == "config.json: root: missing required field";
    });
    dir.write("config.json", R"({"ociVersion":"1.3.0", "root": )");
    BOOST_CHECK_EXCEPTION(spec::load_bundle_spec(dir.path.string()), Error, [](const Error& e) {
        return std::string(e.what()).starts_with("config.json: invalid JSON at line 1");
    });
}

BOOST_AUTO_TEST_CASE(resources_alone) {
    spec::Resources r = spec::resources_from_json(
        json::parse(R"({"pids":{"limit":10},"cpu":{"cpus":"0-1"}})"), "resources.json");
    BOOST_TEST(r.pids->limit.value() == 10);
    BOOST_TEST(r.cpu->cpus == "0-1");
    BOOST_CHECK_EXCEPTION(
        spec::resources_from_json(json::parse(R"({"pids":{"limit":"10"}})"), "resources.json"),
        Error, [](const Error& e) {
            return std::string(e.what()) ==
                   "resources.json: pids.limit: expected integer, got string \"10\"";
        });
}

BOOST_AUTO_TEST_CASE(name_tables) {
    BOOST_TEST(spec::capability_number("CAP_SYS_ADMIN").value() == 21);
    BOOST_TEST(spec::capability_number("CAP_CHECKPOINT_RESTORE").value() == 40);
    BOOST_TEST(!spec::capability_number("CAP_FUTURE"));
    BOOST_TEST(spec::capability_names().size() == 41u);
    BOOST_TEST(spec::rlimit_number("RLIMIT_NOFILE").value() == RLIMIT_NOFILE);
    BOOST_TEST(!spec::rlimit_number("RLIMIT_FOO"));
    BOOST_TEST(spec::namespace_clone_flag("time").value() == 0x80u);
    BOOST_TEST(spec::namespace_clone_flag("mount").value() == static_cast<uint64_t>(CLONE_NEWNS));
    BOOST_TEST(!spec::namespace_clone_flag("nett"));
    const auto* rro = spec::find_mount_option("rro");
    BOOST_TEST_REQUIRE(rro != nullptr);
    BOOST_TEST(rro->recursive);
    BOOST_TEST(!rro->clear);
    BOOST_TEST(spec::find_mount_option("rw")->clear);
    BOOST_TEST(spec::find_mount_option("rslave")->propagation);
    BOOST_TEST(spec::find_mount_option("idmap")->flag == 0u);
    BOOST_TEST(!spec::find_mount_option("mode=755"));
}

BOOST_AUTO_TEST_CASE(features_reflect_the_tables) {
    json::Value f = spec::features();
    BOOST_TEST(f.find("ociVersionMin")->as_string() == "1.0.0");
    BOOST_TEST(f.find("ociVersionMax")->as_string() == "1.3.0");
    const auto& options = f.find("mountOptions")->as_array();
    BOOST_TEST(options.size() == spec::mount_options().size());
    for (size_t i = 0; i < options.size(); ++i)
        BOOST_TEST(options[i].as_string() == spec::mount_options()[i].name);
    const json::Value& linux_features = *f.find("linux");
    BOOST_TEST(linux_features.find("capabilities")->as_array().size() == 41u);
    BOOST_TEST(linux_features.find("namespaces")->as_array().back().as_string() == "time");
    BOOST_TEST(linux_features.find("cgroup")->find("v2")->as_bool());
    // linux.seccomp comes from the seccomp module (test_seccomp.cpp).
    BOOST_TEST(!linux_features.find("seccomp"));
    BOOST_TEST(linux_features.find("mountExtensions")->find("idmap")->find("enabled")->as_bool());
    BOOST_TEST(!linux_features.find("apparmor")->find("enabled")->as_bool());
}

BOOST_AUTO_TEST_SUITE_END()
