// The OCI runtime-spec 1.3.0 configuration model (Linux), as plain structs.
//
// optional<> marks fields whose absence matters (the policy fills what a
// config leaves out and must tell "absent" from "empty"). Unknown fields are
// ignored by the parser as the spec requires; known fields are validated.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ward::spec {

constexpr const char* kOciVersion = "1.3.0";

struct IdMapping {
    uint32_t container_id = 0;
    uint32_t host_id = 0;
    uint32_t size = 0;
};

struct User {
    uint32_t uid = 0;
    uint32_t gid = 0;
    std::optional<uint32_t> umask;
    std::vector<uint32_t> additional_gids;
    std::string username; // informational only on Linux
};

struct Rlimit {
    std::string type; // "RLIMIT_NOFILE"
    uint64_t soft = 0;
    uint64_t hard = 0;
};

// Each set is optional: absent differs from empty for the policy.
struct Capabilities {
    std::optional<std::vector<std::string>> bounding;
    std::optional<std::vector<std::string>> effective;
    std::optional<std::vector<std::string>> inheritable;
    std::optional<std::vector<std::string>> permitted;
    std::optional<std::vector<std::string>> ambient;

    using Set = std::optional<std::vector<std::string>>;
    using NamedSet = std::pair<const char*, const Set*>;
    // The five sets with their config.json keys, in the spec's order.
    std::array<NamedSet, 5> named_sets() const {
        return {{{"bounding", &bounding},
                 {"effective", &effective},
                 {"inheritable", &inheritable},
                 {"permitted", &permitted},
                 {"ambient", &ambient}}};
    }
};

struct ConsoleSize {
    uint32_t height = 0;
    uint32_t width = 0;
};

struct Scheduler {
    std::string policy; // SCHED_OTHER, SCHED_FIFO, SCHED_RR, SCHED_BATCH, SCHED_ISO, SCHED_IDLE,
                        // SCHED_DEADLINE
    int32_t nice = 0;
    int32_t priority = 0;
    std::vector<std::string> flags; // SCHED_FLAG_*
    uint64_t runtime = 0;
    uint64_t deadline = 0;
    uint64_t period = 0;
};

struct IoPriority {
    std::string io_class; // IOPRIO_CLASS_RT, IOPRIO_CLASS_BE, IOPRIO_CLASS_IDLE
    int32_t priority = 0; // 0..7
};

struct CpuAffinity {
    std::string initial; // "0-3,7"
    std::string final;
};

// process.landlock, in the shape of runtime-spec PR #1241 (not merged yet):
// the access rights a ruleset handles (denied unless a rule allows them),
// the rules, and whether a right the kernel lacks refuses the start
// (disableBestEffort) or is dropped. Rights are kept as the kernel's bit
// masks (include/ward/spec/landlock.hpp names them); a config may give
// them as names or as numbers, so a right newer than ward still passes.
struct LandlockPathRule {
    uint64_t allowed_access = 0;    // LANDLOCK_ACCESS_FS_* bits
    std::vector<std::string> paths; // absolute, inside the container

    bool operator==(const LandlockPathRule&) const = default;
};

struct LandlockPortRule {
    uint64_t allowed_access = 0; // LANDLOCK_ACCESS_NET_* bits
    std::vector<uint64_t> ports;

    bool operator==(const LandlockPortRule&) const = default;
};

struct Landlock {
    uint64_t handled_access_fs = 0;
    uint64_t handled_access_net = 0;
    uint64_t scoped = 0; // LANDLOCK_SCOPE_* bits (ABI 6)
    std::vector<LandlockPathRule> path_beneath;
    std::vector<LandlockPortRule> net_port;
    bool disable_best_effort = false;

    bool operator==(const Landlock&) const = default;
};

struct Process {
    bool terminal = false;
    std::optional<ConsoleSize> console_size;
    User user;
    std::vector<std::string> args;
    std::vector<std::string> env;
    std::string cwd; // absolute, required
    std::optional<Capabilities> capabilities;
    std::vector<Rlimit> rlimits;
    std::optional<bool> no_new_privileges;
    std::string apparmor_profile;
    std::optional<int32_t> oom_score_adj;
    std::string selinux_label;
    std::optional<Scheduler> scheduler;
    std::optional<IoPriority> io_priority;
    std::optional<CpuAffinity> exec_cpu_affinity;
    std::optional<Landlock> landlock;
};

struct Root {
    std::string path;
    std::optional<bool> readonly; // absent: the policy may fill it (read-write otherwise)
};

struct Mount {
    std::string destination;
    std::string type;
    std::string source;
    std::vector<std::string> options;
    std::vector<IdMapping> uid_mappings;
    std::vector<IdMapping> gid_mappings;

    // Type "bind", or a bind/rbind option whatever the type: the one
    // predicate the policy, create's handles and the mount setup share,
    // so what the policy judges as a bind is what gets bound.
    bool is_bind() const;
};

struct Hook {
    std::string path;
    std::vector<std::string> args;
    std::vector<std::string> env;
    std::optional<int32_t> timeout; // seconds, > 0
};

struct Hooks {
    std::vector<Hook> prestart; // deprecated, still run (before createRuntime)
    std::vector<Hook> create_runtime;
    std::vector<Hook> create_container;
    std::vector<Hook> start_container;
    std::vector<Hook> poststart;
    std::vector<Hook> poststop;
};

struct Namespace {
    std::string type; // pid network mount ipc uts user cgroup time
    std::string path; // empty: create a new one
};

struct Device {
    std::string type; // c, b, u, p
    std::string path;
    int64_t major = 0;
    int64_t minor = 0;
    std::optional<uint32_t> file_mode;
    std::optional<uint32_t> uid;
    std::optional<uint32_t> gid;
};

struct DeviceRule {
    bool allow = false;
    std::string type;             // a, c, b; empty = all
    std::optional<int64_t> major; // absent = all
    std::optional<int64_t> minor;
    std::string access; // r w m combination; empty = rwm
};

struct MemoryResources {
    std::optional<int64_t> limit;
    std::optional<int64_t> reservation;
    std::optional<int64_t> swap;
    std::optional<int64_t> kernel;
    std::optional<int64_t> kernel_tcp;
    std::optional<uint64_t> swappiness;
    std::optional<bool> disable_oom_killer;
    std::optional<bool> use_hierarchy;
    std::optional<bool> check_before_update;
};

struct CpuResources {
    std::optional<uint64_t> shares;
    std::optional<int64_t> quota;
    std::optional<uint64_t> burst;
    std::optional<uint64_t> period;
    std::optional<int64_t> realtime_runtime;
    std::optional<uint64_t> realtime_period;
    std::string cpus;
    std::string mems;
    std::optional<int64_t> idle;
};

struct PidsResources {
    std::optional<int64_t> limit;
};

struct WeightDevice {
    int64_t major = 0;
    int64_t minor = 0;
    std::optional<uint16_t> weight;
    std::optional<uint16_t> leaf_weight;
};

struct ThrottleDevice {
    int64_t major = 0;
    int64_t minor = 0;
    uint64_t rate = 0;
};

struct BlockIoResources {
    std::optional<uint16_t> weight;
    std::optional<uint16_t> leaf_weight;
    std::vector<WeightDevice> weight_device;
    std::vector<ThrottleDevice> throttle_read_bps_device;
    std::vector<ThrottleDevice> throttle_write_bps_device;
    std::vector<ThrottleDevice> throttle_read_iops_device;
    std::vector<ThrottleDevice> throttle_write_iops_device;
};

struct HugepageLimit {
    std::string page_size; // "2MB"
    uint64_t limit = 0;
};

struct NetworkPriority {
    std::string name;
    uint32_t priority = 0;
};

struct NetworkResources {
    std::optional<uint32_t> class_id;
    std::vector<NetworkPriority> priorities;
};

struct RdmaLimit {
    std::optional<uint32_t> hca_handles;
    std::optional<uint32_t> hca_objects;
};

struct Resources {
    std::vector<DeviceRule> devices;
    std::optional<MemoryResources> memory;
    std::optional<CpuResources> cpu;
    std::optional<PidsResources> pids;
    std::optional<BlockIoResources> block_io;
    std::vector<HugepageLimit> hugepage_limits;
    std::optional<NetworkResources> network;
    std::map<std::string, RdmaLimit> rdma;
    std::map<std::string, std::string> unified;
};

struct SeccompArg {
    uint32_t index = 0;
    uint64_t value = 0;
    uint64_t value_two = 0;
    std::string op; // SCMP_CMP_NE, _LT, _LE, _EQ, _GE, _GT, _MASKED_EQ
};

struct SeccompSyscall {
    std::vector<std::string> names;
    std::string action;
    std::optional<uint32_t> errno_ret;
    std::vector<SeccompArg> args;
};

struct Seccomp {
    std::string default_action;
    std::optional<uint32_t> default_errno_ret;
    std::vector<std::string> architectures;
    std::vector<std::string> flags;
    std::string listener_path;
    std::string listener_metadata;
    std::vector<SeccompSyscall> syscalls;
    // Not part of the OCI JSON (never parsed or emitted): the name of the
    // built-in profile this section was filled from, so the init can load
    // the program precompiled at build time instead of compiling it again.
    std::string builtin_profile;
};

struct Personality {
    std::string domain; // LINUX, LINUX32
    std::vector<std::string> flags;
};

struct TimeOffset {
    int64_t secs = 0;
    uint32_t nanosecs = 0;
};

struct IntelRdt {
    std::string clos_id;
    std::string l3_cache_schema;
    std::string mem_bw_schema;
    std::vector<std::string> schemata;
    bool enable_monitoring = false;
};

struct NetDevice {
    std::string name; // name inside the container; empty: keep
};

struct Linux {
    std::vector<IdMapping> uid_mappings;
    std::vector<IdMapping> gid_mappings;
    std::map<std::string, TimeOffset> time_offsets; // "boottime", "monotonic"
    std::map<std::string, std::string> sysctl;
    std::optional<Resources> resources;
    std::string cgroups_path;
    std::vector<Namespace> namespaces;
    std::vector<Device> devices;
    std::optional<Seccomp> seccomp;
    std::string rootfs_propagation; // shared, slave, private, unbindable, rshared...
    std::optional<std::vector<std::string>> masked_paths;
    std::optional<std::vector<std::string>> readonly_paths;
    std::string mount_label;
    std::optional<Personality> personality;
    std::optional<IntelRdt> intel_rdt;
    std::map<std::string, NetDevice> net_devices;
};

struct Spec {
    std::string oci_version;
    std::optional<Process> process;
    std::optional<Root> root;
    std::string hostname;
    std::string domainname;
    std::vector<Mount> mounts;
    std::optional<Hooks> hooks;
    std::map<std::string, std::string> annotations;
    std::optional<Linux> linux;

    // Convenience: the namespace entry of a type, or nullptr.
    const Namespace* find_namespace(const std::string& type) const;
};

} // namespace ward::spec
