#include "ward/base/keyed_files.hpp"

#include "ward/base/document.hpp"
#include "ward/base/error.hpp"
#include "ward/base/fd.hpp"
#include "ward/base/file.hpp"
#include "ward/base/log.hpp"

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ward {

namespace {

// No entry is anywhere near this; a bigger file is not one put() wrote.
constexpr uint64_t kMaxEntry = 1u << 20;

} // namespace

KeyedFiles::KeyedFiles(std::string dir, std::string header)
    : dir_(std::move(dir)), header_(std::move(header)) {}

std::string KeyedFiles::path_for(std::string_view key) const {
    uint64_t hash = 0xcbf29ce484222325ULL;
    for (unsigned char c : key) {
        hash ^= c;
        hash *= 0x100000001b3ULL;
    }
    char name[17];
    std::snprintf(name, sizeof name, "%016llx", static_cast<unsigned long long>(hash));
    return dir_ + "/" + name;
}

// The key's length first, so a key can never be read as the prefix of
// another key followed by a value.
std::string KeyedFiles::prefix(std::string_view key) const {
    return header_ + std::to_string(key.size()) + "\n" + std::string(key);
}

std::optional<std::string> KeyedFiles::get(std::string_view key) const {
    std::string path = path_for(key);
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
    if (!fd)
        return std::nullopt;
    struct stat st {};
    if (::fstat(fd.get(), &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != ::geteuid() ||
        (st.st_mode & 022) != 0) {
        log::debug(path + ": not a file ward wrote (type, owner or mode); ignored");
        return std::nullopt;
    }
    std::string text;
    try {
        text = read_capped(fd.get(), kMaxEntry, path, static_cast<uint64_t>(st.st_size));
    } catch (const Error& e) {
        log::debug(e.what());
        return std::nullopt;
    }
    std::string head = prefix(key);
    if (text.compare(0, head.size(), head) != 0)
        return std::nullopt;
    return text.substr(head.size());
}

void KeyedFiles::put(std::string_view key, std::string_view value) const {
    std::string path = path_for(key);
    std::string text = prefix(key) + std::string(value);
    if (text.size() > kMaxEntry)
        return;
    // A temp name of this process's own: two starts remembering the same
    // key at once must not write into one temp file.
    std::string tmp = path + ".tmp-" + std::to_string(::getpid());
    try {
        if (::mkdir(dir_.c_str(), 0700) < 0 && errno != EEXIST)
            fail_errno("mkdir " + dir_);
        UniqueFd fd(
            ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600));
        if (!fd)
            fail_errno("create " + tmp);
        write_all(fd.get(), text, "write " + tmp);
        fd.reset();
        if (::rename(tmp.c_str(), path.c_str()) < 0)
            fail_errno("rename " + tmp);
    } catch (const Error& e) {
        ::unlink(tmp.c_str());
        log::debug(std::string("cache not written: ") + e.what());
    }
}

} // namespace ward
