// The operands of `ward audit --compare`: ward's own defaults by policy
// name, config files and bundles (the same loading as `ward audit`), and
// running processes read as the live audit reads them.
#include "ward/audit/compare.hpp"
#include "ward/audit/config_audit.hpp"
#include "ward/audit/live.hpp"
#include "ward/base/document.hpp"
#include "ward/base/error.hpp"
#include "ward/base/file.hpp"
#include "ward/base/strings.hpp"
#include "ward/policy/policy.hpp"
#include "ward/spec/parse.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <system_error>

namespace ward::audit {
namespace {

namespace fs = std::filesystem;

bool plain_name(std::string_view name) {
    if (name.empty())
        return false;
    for (char c : name)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'))
            return false;
    return true;
}

} // namespace

policy::Effective ward_policy(const std::string& name) {
    if (name == "hardened")
        return {policy::parse_policy(policy::builtin_hardened_text(), "built-in"), "built-in"};
    if (!plain_name(name))
        fail("audit --compare: ward:" + name + ": a policy name is letters, digits, - and _");
    std::vector<std::string> tried;
    for (const auto& dir : policy_directories()) {
        std::string path = dir + "/" + name + ".json";
        std::error_code ec;
        if (fs::is_regular_file(path, ec))
            return {policy::parse_policy(read_document(path), path), path};
        tried.push_back(path);
    }
    fail("audit --compare: ward:" + name + ": no policy of that name (tried the built-in " +
         "hardened, " + join(tried, ", ") + ")");
}

namespace {

Operand ward_default(const std::string& label, const std::string& name) {
    Operand op{label, "ward", spec::default_spec()};
    policy::apply(ward_policy(name).policy, op.spec);
    return op;
}

} // namespace

std::vector<std::string> policy_directories() {
    std::vector<std::string> dirs;
    std::error_code ec;
    fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        fs::path bin = exe.parent_path();
        dirs.push_back((bin / "../share/ward/policies").lexically_normal().string());
        dirs.push_back((bin / "../contrib/policies").lexically_normal().string());
    }
    for (const char* dir : {"/usr/local/share/ward/policies", "/usr/share/ward/policies"})
        if (std::find(dirs.begin(), dirs.end(), dir) == dirs.end())
            dirs.emplace_back(dir);
    return dirs;
}

namespace {

// Every operand is judged on the same masked and read-only paths (the
// built-in hardened lists: inspect's default), so their rows compare.
Operand live_operand(const std::string& label, const std::string& kind, int pid,
                     unsigned long long expected_start) {
    InspectOptions options;
    options.expected_start = expected_start;
    LiveProcess live = inspect(pid, options);
    if (live.status.seccomp_mode == 1)
        fail("audit --compare: " + label +
             ": the process is in seccomp strict mode, which has "
             "no filter to compare");
    if (live.status.seccomp_mode == 2 && !live.seccomp.decoded)
        fail("audit --compare: " + label +
             ": its seccomp filters could not be read: " + live.seccomp.error);
    Operand op{label, kind, enforced_spec(live)};
    op.live = true;
    op.enforced_filter = live.seccomp.decoded;
    return op;
}

} // namespace

Operand load_operand(const std::string& text, const container::Globals& globals) {
    if (text.starts_with("ward:"))
        return ward_default(text, text.substr(5));
    if (text.starts_with("pid:")) {
        auto pid = parse_int(text.substr(4));
        if (!pid || *pid <= 0 || *pid > 0x3fffffff)
            fail("audit --compare: " + quote(text) + ": want pid:PID with a process id");
        return live_operand(text, "pid", static_cast<int>(*pid), 0);
    }
    if (text.starts_with("container:")) {
        container::StateDir dir(globals.root, text.substr(10));
        container::State state = open_running(dir);
        return live_operand(text, "container", state.pid, state.start_time);
    }
    ConfigSubject subject = load_subject(text);
    return {text, subject.kind, std::move(subject.spec)};
}

} // namespace ward::audit
