// Image config + store entry → a bundle's config.json (image_bundle.hpp).
#include "ward/trust/image_bundle.hpp"

#include "beneath.hpp"
#include "ward/base/document.hpp"
#include "ward/base/error.hpp"
#include "ward/base/fd.hpp"
#include "ward/base/file.hpp"
#include "ward/base/strings.hpp"
#include "ward/json/json.hpp"
#include "ward/spec/parse.hpp"
#include "ward/trust/store.hpp"
#include "ward/trust/unpack.hpp"

#include <algorithm>
#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ward::trust {
namespace {

// runc's and podman's PATH for a process whose environment has none.
constexpr const char* kDefaultPath =
    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

constexpr std::string_view kOciPrefix = "org.opencontainers.image.";

bool has_var(const std::vector<std::string>& env, std::string_view name) {
    return std::any_of(env.begin(), env.end(), [&](const std::string& e) {
        return e.size() > name.size() && e.compare(0, name.size(), name) == 0 &&
               e[name.size()] == '=';
    });
}

std::vector<std::string> components(const std::string& path) {
    std::vector<std::string> out;
    for (const auto& c : split(path, '/'))
        if (!c.empty() && c != ".")
            out.push_back(c);
    return out;
}

// Is `inner` strictly below `outer` (component-wise)?
bool strictly_under(const std::vector<std::string>& inner, const std::vector<std::string>& outer) {
    return inner.size() > outer.size() && std::equal(outer.begin(), outer.end(), inner.begin());
}

std::map<std::string, std::string> image_annotations(const ImageBundleSource& src) {
    const ImageConfig& c = src.config;
    std::map<std::string, std::string> a;
    auto put = [&](const char* key, const std::string& value) {
        if (!value.empty())
            a[std::string(kOciPrefix) + key] = value;
    };
    put("os", c.os);
    put("architecture", c.architecture);
    put("created", c.created);
    put("author", c.author);
    put("stopSignal", c.stop_signal);
    // Labels win over the implicit ones (conversion.md), but only the
    // descriptive org.opencontainers.image.* keys are taken (see the header).
    for (const auto& [key, value] : c.labels)
        if (key.starts_with(kOciPrefix))
            a[key] = value;
    // ward's own last: nothing from the image can set them.
    a[std::string(kImageDigestAnnotation)] = src.manifest.str();
    a[std::string(kImageNameAnnotation)] = src.name;
    return a;
}

} // namespace

spec::Spec image_spec(const ImageBundleSource& src, const std::vector<std::string>& command) {
    const std::string what = "image " + src.name;
    const ImageConfig& c = src.config;
    if (c.os != "linux")
        fail(what + ": os " + quote(c.os) + ": ward runs linux images only");

    // An unprivileged caller's store (unpack.hpp: every file is theirs)
    // runs rootless: the caller is root of a user namespace of one id.
    const bool rootless = store_owner().squashed;
    spec::Spec s = spec::default_spec(rootless);
    spec::Process& p = *s.process;

    p.args = c.entrypoint.value_or(std::vector<std::string>{});
    const std::vector<std::string>& tail =
        command.empty() ? c.cmd.value_or(std::vector<std::string>{}) : command;
    p.args.insert(p.args.end(), tail.begin(), tail.end());
    if (p.args.empty())
        fail(what + " has no Entrypoint or Cmd; give a command");

    p.env = c.env;
    for (size_t i = 0; i < p.env.size(); ++i) {
        auto eq = p.env[i].find('=');
        if (eq == std::string::npos || eq == 0)
            fail(what + ": config.Env[" + std::to_string(i) + "]: " + quote(p.env[i]) +
                 " is not NAME=VALUE");
    }
    if (!has_var(p.env, "PATH"))
        p.env.insert(p.env.begin(), kDefaultPath);
    if (!has_var(p.env, "HOME"))
        p.env.push_back("HOME=" + src.user.home);

    p.cwd = c.working_dir.empty() ? "/" : c.working_dir;
    if (p.cwd.front() != '/')
        fail(what + ": config.WorkingDir: " + quote(p.cwd) + " is not absolute");

    p.user = spec::User{};
    p.user.uid = src.user.uid;
    p.user.gid = src.user.gid;
    p.user.additional_gids = src.user.additional_gids;
    if (rootless && (p.user.uid != 0 || p.user.gid != 0))
        fail(what + ": config.User " + quote(c.user) + " is uid " + std::to_string(p.user.uid) +
             ", gid " + std::to_string(p.user.gid) +
             ": a rootless container maps only the caller's own id, to 0 (run it with a "
             "config of your own that maps a range through newuidmap)");

    if (src.rootfs.empty() || src.rootfs.front() != '/')
        fail(what + ": rootfs " + quote(src.rootfs) + " is not an absolute path");
    s.root = spec::Root{src.rootfs, true};
    s.annotations = image_annotations(src);
    return s;
}

std::vector<std::string> missing_mount_points(const spec::Spec& spec, const std::string& rootfs) {
    UniqueFd root(::open(rootfs.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!root)
        fail_errno("open rootfs " + rootfs);
    std::vector<std::vector<std::string>> dests;
    for (const auto& m : spec.mounts)
        dests.push_back(components(m.destination));
    std::vector<std::string> missing;
    for (const auto& d : dests) {
        if (d.empty() || std::any_of(dests.begin(), dests.end(),
                                     [&](const auto& other) { return strictly_under(d, other); }))
            continue;
        bool present = false;
        try {
            present = static_cast<bool>(detail::open_dir_beneath(root.get(), d, d.size(), nullptr));
        } catch (const Error&) {
            present = false; // a symlink or a file where a directory must be
        }
        if (!present)
            missing.push_back("/" + join(d, "/"));
    }
    return missing;
}

spec::Spec image_bundle_spec(const Store& store, const std::string& ref,
                             const std::vector<std::string>& command, RootUse root) {
    std::optional<StoreEntry> entry = store.find(ref);
    if (!entry)
        fail("image " + quote(ref) + ": not in the store " + store.root() + " (see ward image ls)");
    ImageBundleSource src;
    // The name create's trust check is made against.
    src.name = entry->name_for(ref);
    const std::string what = "image " + src.name;
    src.manifest = entry->manifest;
    src.rootfs = entry->rootfs();

    std::string manifest_bytes = read_document(entry->dir + "/manifest.json");
    std::string config_bytes = read_document(entry->dir + "/config.json");
    // The store keeps exactly the verified bytes; hashing them again (a few
    // KiB) means a config edited inside the store never becomes a bundle.
    if (sha256(manifest_bytes) != entry->manifest)
        fail(what + ": " + entry->dir + "/manifest.json does not match " + entry->manifest.str());
    // The manifest's own mediaType decides; the descriptor's is not kept.
    json::Value doc = json::parse(manifest_bytes);
    std::string type(media::kOciManifest);
    if (const json::Value* t = doc.is_object() ? doc.find("mediaType") : nullptr;
        t && t->is_string())
        type = t->as_string();
    Manifest manifest =
        parse_manifest(manifest_bytes, type, "manifest " + entry->manifest.short_str());
    if (sha256(config_bytes) != manifest.config.digest)
        fail(what + ": " + entry->dir + "/config.json does not match " +
             manifest.config.digest.str());
    src.config = parse_image_config(config_bytes, "config " + manifest.config.digest.short_str());

    src.user = with_context(
        what, [&] { return resolve_image_user(src.config.user, read_account_files(src.rootfs)); });
    spec::Spec spec = image_spec(src, command);
    if (root == RootUse::writable)
        spec.root->readonly = false;
    std::vector<std::string> missing = root == RootUse::shared
                                           ? missing_mount_points(spec, src.rootfs)
                                           : std::vector<std::string>{};
    if (!missing.empty())
        fail(what + ": its rootfs has no directory " + join(missing, ", ") +
             " to mount on; a store rootfs is shared and never written, so ward will not "
             "create mount points in it (import makes /dev, /proc and /sys when no layer "
             "has them: remove the image and import it again; or ask for --writable)");
    // Through the parser create uses: what the image put in must be valid
    // config.json, and `run --image` hands this spec to create directly.
    return spec::spec_from_json(spec::spec_to_json(spec), what);
}

void write_bundle_config(const std::string& dir, const spec::Spec& spec) {
    std::string text = json::serialize(spec::spec_to_json(spec), json::Style::pretty) + "\n";
    bool made = false;
    if (::mkdir(dir.c_str(), 0755) == 0) {
        made = true;
    } else if (errno != EEXIST) {
        fail_errno("bundle " + dir + ": mkdir");
    }
    UniqueFd dfd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!dfd)
        fail_errno("bundle " + dir + ": open");
    if (!made && !detail::list_dir(dfd.get()).empty())
        fail("bundle " + dir + ": directory is not empty (a bundle is never written over another)");
    // O_EXCL: a concurrent writer's config.json is never replaced.
    UniqueFd out(::openat(dfd.get(), "config.json",
                          O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644));
    if (!out)
        fail_errno("bundle " + dir + ": create config.json");
    try {
        if (::fchmod(out.get(), 0644) < 0) // the umask applies to open's mode
            fail_errno("bundle " + dir + ": chmod config.json");
        write_all(out.get(), text, "bundle " + dir + ": write config.json");
    } catch (...) {
        ::unlinkat(dfd.get(), "config.json", 0);
        if (made)
            ::rmdir(dir.c_str());
        throw;
    }
}

} // namespace ward::trust
