// `ward key generate --out PREFIX`: an EC P-256 key pair for `image sign`.
#include "verbs.hpp"
#include "ward/base/error.hpp"
#include "ward/base/fd.hpp"
#include "ward/base/file.hpp"
#include "ward/base/strings.hpp"
#include "ward/trust/keys.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ward::cli {
namespace {

// O_EXCL: an existing key is never replaced, whatever is at that path.
void write_new(const std::string& path, const std::string& data, mode_t mode) {
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode));
    if (!fd)
        fail_errno("create " + path);
    // The umask may only narrow the mode; set it exactly.
    if (::fchmod(fd.get(), mode) < 0)
        fail_errno("chmod " + path);
    write_all(fd.get(), data, "write " + path);
    if (::fsync(fd.get()) < 0)
        fail_errno("fsync " + path);
}

} // namespace

int verb_key(const Context&, const VerbArgs& args) {
    const std::string& action = args.parsed.positionals.front();
    if (action != "generate")
        throw UsageError("key", "unknown key action " + quote(action) + ": want generate");
    std::string prefix = args.parsed.value("out").value_or("");
    if (prefix.empty())
        throw UsageError("key", "ward: \"key generate\" requires --out PREFIX");
    std::string key_path = prefix + ".key";
    std::string pub_path = prefix + ".pub";
    // Both checked before either is written: no half-made pair.
    for (const auto& path : {key_path, pub_path}) {
        struct stat st {};
        if (::lstat(path.c_str(), &st) == 0)
            fail("refusing to overwrite " + path + ": it exists");
    }
    trust::PrivateKey key = trust::PrivateKey::generate();
    write_new(key_path, key.pem(), 0600);
    try {
        write_new(pub_path, key.public_pem(), 0644);
    } catch (const Error&) {
        ::unlink(key_path.c_str());
        throw;
    }
    print_out("private key " + key_path + " (mode 0600)\npublic key  " + pub_path + "\n");
    return 0;
}

} // namespace ward::cli
