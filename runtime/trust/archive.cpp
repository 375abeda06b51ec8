// oci-archive extraction: the strict tar reader, every name resolved
// beneath the target without following anything, only files and
// directories, capped. The layout verification that follows checks what
// the files say; this only has to keep the archive inside its directory.
#include "ward/trust/archive.hpp"

#include "beneath.hpp"
#include "ward/base/error.hpp"
#include "ward/base/strings.hpp"
#include "ward/trust/decompress.hpp"
#include "ward/trust/tar_reader.hpp"

#include <algorithm>
#include <cerrno>
#include <fcntl.h>
#include <functional>
#include <set>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace ward::trust {
namespace {

constexpr unsigned char kGzipMagic[] = {0x1f, 0x8b};
constexpr unsigned char kZstdMagic[] = {0x28, 0xb5, 0x2f, 0xfd};

// The compression the file's first bytes show; decompress() checks them again.
Compression sniff(int fd) {
    unsigned char head[4] = {};
    ssize_t got = ::pread(fd, head, sizeof head, 0);
    if (got < 0)
        fail_errno("read");
    if (got >= 2 && head[0] == kGzipMagic[0] && head[1] == kGzipMagic[1])
        return Compression::gzip;
    if (got >= 4 && std::equal(head, head + 4, kZstdMagic))
        return Compression::zstd;
    return Compression::none;
}

// "./blobs//sha256/x" → {"blobs", "sha256", "x"}; refuses what could leave
// the directory. An empty result is the archive's "./" entry.
std::vector<std::string> components(const std::string& path) {
    if (path.empty())
        fail("empty name");
    if (path[0] == '/')
        fail("absolute names are not allowed");
    std::vector<std::string> out;
    for (auto& c : split(path, '/')) {
        if (c.empty() || c == ".")
            continue;
        if (c == "..")
            fail("\"..\" is not allowed in a name");
        out.push_back(std::move(c));
    }
    return out;
}

class Extractor {
  public:
    Extractor(int target_fd, const ArchiveLimits& limits) : root_(target_fd), lim_(limits) {}

    void entry(const TarEntry& e, TarReader& reader) {
        if (++entries_ > lim_.max_entries)
            fail("more than " + std::to_string(lim_.max_entries) + " entries");
        std::vector<std::string> comps = components(e.path);
        std::string key = detail::join_components(comps, comps.size());
        switch (e.type) {
        case EntryType::directory:
            if (!comps.empty())
                make_dir(comps);
            return;
        case EntryType::file:
            if (comps.empty())
                fail("a file cannot be the archive's root");
            if (!seen_.insert(key).second)
                fail("named twice in the archive");
            write_file(comps, e, reader);
            return;
        default:
            fail(std::string(entry_type_name(e.type)) +
                 " entries are not allowed in an oci-archive (only files and directories)");
        }
    }

  private:
    void make_dir(const std::vector<std::string>& comps) {
        std::function<void(const std::string&)> created = [](const std::string&) {};
        detail::open_dir_beneath(root_, comps, comps.size(), &created);
    }

    void write_file(const std::vector<std::string>& comps, const TarEntry& e, TarReader& reader) {
        if (e.size > lim_.max_bytes - std::min(bytes_, lim_.max_bytes))
            fail("the archive holds more than " + std::to_string(lim_.max_bytes) + " bytes");
        std::function<void(const std::string&)> created = [](const std::string&) {};
        UniqueFd parent = detail::open_dir_beneath(root_, comps, comps.size() - 1, &created);
        // O_EXCL and O_NOFOLLOW: nothing already there is written through.
        UniqueFd out(::openat(parent.get(), comps.back().c_str(),
                              O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644));
        if (!out) {
            if (errno == EEXIST)
                fail("a directory of that name exists");
            fail_errno("create");
        }
        char buf[1 << 16];
        size_t n;
        while ((n = reader.read(buf, sizeof buf)) > 0) {
            const char* p = buf;
            size_t left = n;
            while (left > 0) {
                ssize_t w = ::write(out.get(), p, left);
                if (w < 0 && errno == EINTR)
                    continue;
                if (w < 0)
                    fail_errno("write");
                p += w;
                left -= static_cast<size_t>(w);
            }
        }
        bytes_ += e.size;
    }

    int root_;
    const ArchiveLimits& lim_;
    uint64_t entries_ = 0;
    uint64_t bytes_ = 0;
    std::set<std::string> seen_;
};

} // namespace

bool is_archive_file(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

void extract_archive(const std::string& archive_path, int target_fd, const ArchiveLimits& limits) {
    with_context("oci-archive " + archive_path, [&] {
        UniqueFd fd(::open(archive_path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
        if (!fd)
            fail_errno("open");
        struct stat st {};
        if (::fstat(fd.get(), &st) < 0)
            fail_errno("stat");
        if (!S_ISREG(st.st_mode))
            fail("not a regular file");
        FdSource file(fd.get(), archive_path);
        // The tar stream holds headers and padding besides the content;
        // twice the content cap (plus a little) bounds it without
        // refusing an archive that stays under max_bytes.
        auto plain = decompress(file, sniff(fd.get()), limits.max_bytes * 2 + (1 << 20));
        TarLimits tl;
        tl.max_path = limits.max_path;
        tl.max_entry_size = limits.max_bytes;
        TarReader reader(*plain, nullptr, tl);
        Extractor x(target_fd, limits);
        TarEntry e;
        while (reader.next(e))
            with_context("tar entry " + quote(e.path), [&] { x.entry(e, reader); });
    });
}

} // namespace ward::trust
