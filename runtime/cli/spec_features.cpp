// spec and features: the verbs that describe rather than run.
#include "verbs.hpp"
#include "ward/base/fd.hpp"
#include "ward/base/file.hpp"
#include "ward/linux/landlock.hpp"
#include "ward/seccomp/filter.hpp"
#include "ward/spec/features.hpp"
#include "ward/spec/landlock.hpp"
#include "ward/spec/parse.hpp"

#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

namespace ward::cli {

int verb_spec(const Context&, const VerbArgs& args) {
    SpecOptions options = spec_options(args);
    std::string dir = options.bundle.empty() ? "." : options.bundle;
    std::string text = json::serialize(spec::spec_to_json(spec::default_spec(options.rootless)),
                                       json::Style::pretty) +
                       "\n";

    UniqueFd dir_fd(::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!dir_fd)
        fail_errno("open bundle " + dir);
    // O_EXCL refuses an existing file (or a symlink planted in its place)
    // without a separate, racy existence check.
    UniqueFd fd(::openat(dir_fd.get(), "config.json",
                         O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644));
    if (!fd) {
        if (errno == EEXIST)
            fail("File config.json exists. Remove it first");
        fail_errno("create " + dir + "/config.json");
    }
    try {
        write_all(fd.get(), text, "write " + dir + "/config.json");
    } catch (const Error&) {
        ::unlinkat(dir_fd.get(), "config.json", 0); // leave no half-written config behind
        throw;
    }
    return 0;
}

namespace {

// linux.landlock (not in the OCI features schema yet, like the field): the
// running kernel's ABI and the rights of it ward can apply, by the names
// process.landlock takes.
json::Value landlock_section() {
    using spec::landlock::Kind;
    int abi = linux::landlock_abi();
    json::Value v = json::Value::object();
    v.set("enabled", abi > 0);
    v.set("abi", abi);
    auto usable = [abi](Kind kind) {
        return spec::landlock::to_json(kind, spec::landlock::supported(kind, abi) &
                                                 spec::landlock::all_known(kind));
    };
    v.set("handledAccessFS", usable(Kind::fs));
    v.set("handledAccessNetwork", usable(Kind::net));
    v.set("scoped", usable(Kind::scope));
    return v;
}

} // namespace

int verb_features(const Context&, const VerbArgs&) {
    json::Value doc = spec::features();
    doc.find("linux")->set("seccomp", seccomp::features_section());
    doc.find("linux")->set("landlock", landlock_section());
    print_out(json::serialize(doc, json::Style::pretty) + "\n");
    return 0;
}

} // namespace ward::cli
