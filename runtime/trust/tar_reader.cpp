#include "ward/trust/tar_reader.hpp"

#include "ward/base/error.hpp"
#include "ward/base/strings.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <optional>

namespace ward::trust {

namespace {

constexpr size_t kBlock = 512;
using Block = std::array<unsigned char, kBlock>;

// Header field offsets and sizes (POSIX ustar; GNU shares the first 345 bytes).
struct Field {
    size_t off, len;
};
constexpr Field kName{0, 100}, kMode{100, 8}, kUid{108, 8}, kGid{116, 8}, kSize{124, 12},
    kMtime{136, 12}, kChksum{148, 8}, kLinkname{157, 100}, kMagic{257, 6}, kVersion{263, 2},
    kDevMajor{329, 8}, kDevMinor{337, 8}, kPrefix{345, 155};
constexpr size_t kTypeflag = 156;

std::string at_offset(uint64_t off) {
    return "tar header at offset " + std::to_string(off);
}

// A NUL-terminated string field (no NUL when it fills the field).
std::string str_field(const Block& b, Field f) {
    const char* p = reinterpret_cast<const char*>(b.data()) + f.off;
    return std::string(p, strnlen(p, f.len));
}

// An octal field (leading spaces, digits, then NULs/spaces) or GNU
// base-256 (first byte 0x80, big-endian value after it). Anything else,
// negative base-256 values included, is refused: nullopt.
std::optional<uint64_t> num_field(const Block& b, Field f) {
    const unsigned char* p = b.data() + f.off;
    if (p[0] & 0x80) {
        if (p[0] != 0x80)
            return std::nullopt;
        uint64_t v = 0;
        for (size_t i = 1; i < f.len; ++i) {
            if (v >> 56)
                return std::nullopt;
            v = (v << 8) | p[i];
        }
        return v;
    }
    size_t begin = 0, end = f.len;
    while (end > 0 && (p[end - 1] == 0 || p[end - 1] == ' '))
        --end;
    while (begin < end && p[begin] == ' ')
        ++begin;
    uint64_t v = 0;
    for (size_t i = begin; i < end; ++i) {
        if (p[i] < '0' || p[i] > '7' || (v >> 61))
            return std::nullopt;
        v = (v << 3) | static_cast<uint64_t>(p[i] - '0');
    }
    return v;
}

bool all_zero(const unsigned char* p, size_t n) {
    for (size_t i = 0; i < n; ++i)
        if (p[i])
            return false;
    return true;
}

// The checksum: the header's bytes summed with the checksum field taken as
// spaces. Old writers summed signed chars; both sums are accepted, as GNU
// tar and Go do.
bool checksum_ok(const Block& b, uint64_t want) {
    uint64_t unsigned_sum = 0;
    int64_t signed_sum = 0;
    for (size_t i = 0; i < kBlock; ++i) {
        bool in_field = i >= kChksum.off && i < kChksum.off + kChksum.len;
        unsigned char c = in_field ? ' ' : b[i];
        unsigned_sum += c;
        signed_sum += static_cast<signed char>(c);
    }
    return want == unsigned_sum || static_cast<int64_t>(want) == signed_sum;
}

std::string type_char(unsigned char t) {
    if (t >= 0x20 && t < 0x7f)
        return std::string("'") + static_cast<char>(t) + "'";
    static constexpr char kHex[] = "0123456789abcdef";
    return std::string("0x") + kHex[t >> 4] + kHex[t & 0xf];
}

// PAX records "LEN KEY=VALUE\n", LEN counting the whole record. Parsed
// strictly: a record that does not add up is an error, not skipped.
std::map<std::string, std::string> parse_pax(std::string_view data, const std::string& where) {
    std::map<std::string, std::string> out;
    while (!data.empty()) {
        size_t sp = data.find(' ');
        if (sp == std::string_view::npos || sp == 0 || sp > 20)
            fail(where + ": malformed PAX record (no length)");
        auto len = parse_uint(data.substr(0, sp));
        if (!len || *len <= sp + 2 || *len > data.size() || data[*len - 1] != '\n')
            fail(where + ": malformed PAX record (bad length)");
        std::string_view rec = data.substr(sp + 1, *len - sp - 2);
        size_t eq = rec.find('=');
        if (eq == std::string_view::npos || eq == 0)
            fail(where + ": malformed PAX record (no key)");
        std::string key(rec.substr(0, eq));
        if (key.find('\0') != std::string::npos)
            fail(where + ": malformed PAX record (NUL in key)");
        out[key] = std::string(rec.substr(eq + 1));
        data.remove_prefix(*len);
    }
    return out;
}

// A PAX decimal: digits only, below `max`.
uint64_t pax_uint(const std::string& key, const std::string& v, uint64_t max,
                  const std::string& where) {
    auto n = parse_uint(v);
    if (!n || v.empty() || v.front() == '+' || *n > max)
        fail(where + ": PAX " + key + " " + quote(v) + " is not a valid number");
    return *n;
}

// PAX mtime: [-]SECONDS[.FRACTION].
void pax_mtime(const std::string& v, TarEntry& e, const std::string& where) {
    std::string_view s = v;
    bool neg = !s.empty() && s.front() == '-';
    if (neg)
        s.remove_prefix(1);
    size_t dot = s.find('.');
    std::string_view secs = s.substr(0, dot);
    std::string_view frac = dot == std::string_view::npos ? "" : s.substr(dot + 1);
    auto n = parse_uint(secs);
    bool frac_ok =
        std::all_of(frac.begin(), frac.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (secs.empty() || !n || *n > (uint64_t(1) << 62) || !frac_ok ||
        (dot != std::string_view::npos && frac.empty()))
        fail(where + ": PAX mtime " + quote(v) + " is not a valid time");
    std::string ns(frac.substr(0, 9));
    ns.resize(9, '0');
    e.mtime = neg ? -static_cast<int64_t>(*n) : static_cast<int64_t>(*n);
    e.mtime_nsec = static_cast<uint32_t>(std::stoul(ns));
    if (neg && e.mtime_nsec) {
        // -1.5 is 2 seconds before the epoch plus 0.5.
        e.mtime -= 1;
        e.mtime_nsec = 1000000000u - e.mtime_nsec;
    }
}

constexpr uint64_t kMaxId = 0xfffffffeu; // (uid_t)-1 means "no change" to chown

// A PAX 'g' header's records join those in force (an empty value cancels
// one). They stay in force for the rest of the stream, before any digest
// of it is known, and are applied to every later entry: their number and
// size are bounded so a stream of global headers cannot grow them without
// end or make each entry costly.
void merge_global(std::map<std::string, std::string>& global,
                  std::map<std::string, std::string> records, const TarLimits& limits,
                  const std::string& where) {
    for (auto& [k, v] : records) {
        if (v.empty())
            global.erase(k);
        else
            global[k] = std::move(v);
    }
    if (global.size() > limits.max_global_records)
        fail(where + ": PAX global headers: " + std::to_string(global.size()) +
             " records in force is over the limit of " + std::to_string(limits.max_global_records));
    size_t bytes = 0;
    for (const auto& [k, v] : global)
        bytes += k.size() + v.size();
    if (bytes > limits.max_global_bytes)
        fail(where + ": PAX global headers: " + std::to_string(bytes) +
             " bytes of records in force is over the limit of " +
             std::to_string(limits.max_global_bytes));
}

// One PAX record (global or the entry's own) applied to the entry.
void apply_pax(TarEntry& e, const std::string& k, const std::string& v, const std::string& where) {
    if (starts_with(k, "SCHILY.xattr.")) {
        std::string name = k.substr(13);
        if (name.empty())
            fail(where + ": PAX xattr record without a name");
        e.xattrs[name] = v;
        return;
    }
    if (starts_with(k, "GNU.sparse."))
        fail(where + ": sparse files are not supported");
    if (v.empty())
        return; // an empty value cancels the keyword
    if (k == "path")
        e.path = v;
    else if (k == "linkpath")
        e.link_target = v;
    else if (k == "size")
        e.size = pax_uint(k, v, UINT64_MAX, where);
    else if (k == "uid")
        e.uid = static_cast<uint32_t>(pax_uint(k, v, kMaxId, where));
    else if (k == "gid")
        e.gid = static_cast<uint32_t>(pax_uint(k, v, kMaxId, where));
    else if (k == "mtime")
        pax_mtime(v, e, where);
    // Other keywords (atime, ctime, uname, gname, comment, charset,
    // vendor records) do not change what is unpacked.
}

} // namespace

const char* entry_type_name(EntryType type) {
    switch (type) {
    case EntryType::file:
        return "file";
    case EntryType::hardlink:
        return "hardlink";
    case EntryType::symlink:
        return "symlink";
    case EntryType::char_device:
        return "char";
    case EntryType::block_device:
        return "block";
    case EntryType::directory:
        return "dir";
    case EntryType::fifo:
        return "fifo";
    }
    return "unknown";
}

TarReader::TarReader(ByteSource& in, ByteSink* sink, TarLimits limits)
    : in_(in), sink_(sink), limits_(limits) {}

void TarReader::pull(void* buf, size_t n, const char* what) {
    size_t got = 0;
    bool full = read_exact(in_, buf, n, &got);
    if (sink_ && got)
        sink_->write(buf, got);
    offset_ += got;
    if (!full)
        fail(std::string("tar: stream ends in the middle of ") + what + " (truncated layer)");
}

void TarReader::skip(uint64_t n) {
    char scratch[16384];
    while (n > 0) {
        size_t take = static_cast<size_t>(std::min<uint64_t>(n, sizeof scratch));
        pull(scratch, take, "an entry's content");
        n -= take;
    }
}

size_t TarReader::read(void* buf, size_t n) {
    if (remaining_ == 0)
        return 0;
    size_t take = static_cast<size_t>(std::min<uint64_t>(n, remaining_));
    size_t got = in_.read(buf, take);
    if (got == 0)
        fail("tar entry " + quote(current_) + ": stream ends in its content (truncated layer)");
    if (sink_)
        sink_->write(buf, got);
    offset_ += got;
    remaining_ -= got;
    return got;
}

// After the end-of-archive block: the rest of the stream must be zeros
// (writers pad to a record size), read to the end so the digest covers it.
void TarReader::finish_archive() {
    unsigned char buf[16384];
    for (;;) {
        size_t got = in_.read(buf, sizeof buf);
        if (got == 0)
            break;
        if (sink_)
            sink_->write(buf, got);
        if (!all_zero(buf, got))
            fail("tar: data after the end-of-archive block at offset " + std::to_string(offset_));
        offset_ += got;
    }
    ended_ = true;
}

bool TarReader::next(TarEntry& e) {
    if (ended_)
        return false;
    skip(remaining_);
    remaining_ = 0;
    // A stream that stops right after an entry's content, or at a header
    // boundary, without padding or end-of-archive blocks, ends the archive
    // as Go's archive/tar reads it: Debian's umoci 0.4.7 writes `umoci
    // insert` layers that way, and umoci, containerd and podman read them.
    // Nothing is lost: the diff_id covers exactly the bytes there are.
    // Padding cut in the middle is still a truncated stream.
    if (padding_) {
        char pad[kBlock];
        size_t got = 0;
        read_exact(in_, pad, static_cast<size_t>(padding_), &got);
        if (sink_ && got)
            sink_->write(pad, got);
        offset_ += got;
        if (got == 0) {
            ended_ = true;
            return false;
        }
        if (got < padding_)
            fail("tar: stream ends in the middle of an entry's padding (truncated layer)");
        padding_ = 0;
    }

    std::optional<std::string> long_name, long_link;
    std::optional<std::map<std::string, std::string>> local;
    for (;;) {
        uint64_t at = offset_;
        Block b;
        size_t got = 0;
        bool full = read_exact(in_, b.data(), kBlock, &got);
        if (sink_ && got)
            sink_->write(b.data(), got);
        offset_ += got;
        if (got == 0) {
            if (long_name || long_link || local)
                fail("tar: stream ends right after an extended header (truncated layer)");
            ended_ = true; // see above: no end-of-archive block, as Go accepts
            return false;
        }
        if (!full)
            fail("tar: stream ends in the middle of a header (truncated layer)");
        std::string where = at_offset(at);

        if (all_zero(b.data(), kBlock)) {
            if (long_name || long_link || local)
                fail(where + ": end of archive right after an extended header");
            finish_archive();
            return false;
        }
        auto chk = num_field(b, kChksum);
        if (!chk || !checksum_ok(b, *chk))
            fail(where + ": checksum mismatch (corrupt or not a tar stream)");
        bool posix = std::memcmp(b.data() + kMagic.off, "ustar\0", 6) == 0 &&
                     std::memcmp(b.data() + kVersion.off, "00", 2) == 0;
        bool gnu = std::memcmp(b.data() + kMagic.off, "ustar ", 6) == 0 &&
                   std::memcmp(b.data() + kVersion.off, " \0", 2) == 0;
        if (!posix && !gnu)
            fail(where + ": not a ustar, PAX or GNU header");

        auto size = num_field(b, kSize);
        if (!size)
            fail(where + ": size field is not a number");
        unsigned char t = b[kTypeflag];
        uint64_t padded = (*size + kBlock - 1) / kBlock * kBlock;

        if (t == 'x' || t == 'g' || t == 'L' || t == 'K') {
            if (*size > limits_.max_extended_header)
                fail(where + ": extended header of " + std::to_string(*size) +
                     " bytes is over the limit of " + std::to_string(limits_.max_extended_header));
            std::string data(static_cast<size_t>(*size), '\0');
            pull(data.data(), data.size(), "an extended header");
            skip(padded - *size);
            if (t == 'L' || t == 'K') {
                auto& slot = t == 'L' ? long_name : long_link;
                if (slot)
                    fail(where + ": two GNU long " + (t == 'L' ? "name" : "link") +
                         " headers for one entry");
                data.resize(strnlen(data.data(), data.size()));
                if (data.size() > limits_.max_path)
                    fail(where + ": GNU long name of " + std::to_string(data.size()) +
                         " bytes is over the limit of " + std::to_string(limits_.max_path));
                slot = std::move(data);
            } else if (t == 'x') {
                if (local)
                    fail(where + ": two PAX extended headers for one entry");
                local = parse_pax(data, where);
            } else {
                if (long_name || long_link || local)
                    fail(where + ": PAX global header between an extended header and its entry");
                merge_global(global_, parse_pax(data, where), limits_, where);
            }
            continue;
        }

        e = TarEntry{};
        switch (t) {
        case '0':
        case '7':
            e.type = EntryType::file;
            break;
        case '\0':
            e.type = EntryType::file;
            break;
        case '1':
            e.type = EntryType::hardlink;
            break;
        case '2':
            e.type = EntryType::symlink;
            break;
        case '3':
            e.type = EntryType::char_device;
            break;
        case '4':
            e.type = EntryType::block_device;
            break;
        case '5':
            e.type = EntryType::directory;
            break;
        case '6':
            e.type = EntryType::fifo;
            break;
        default:
            fail(where + ": unsupported entry type " + type_char(t));
        }

        // Name: GNU long name, else ustar prefix + name; PAX overrides both.
        if (long_name)
            e.path = *long_name;
        else if (posix && b[kPrefix.off])
            e.path = str_field(b, kPrefix) + "/" + str_field(b, kName);
        else
            e.path = str_field(b, kName);
        e.link_target = long_link ? *long_link : str_field(b, kLinkname);

        auto mode = num_field(b, kMode), uid = num_field(b, kUid), gid = num_field(b, kGid),
             mtime = num_field(b, kMtime);
        if (!mode || *mode > 07777777)
            fail(where + ": mode field is not valid");
        if (!uid || *uid > kMaxId || !gid || *gid > kMaxId)
            fail(where + ": uid or gid field is not valid");
        if (!mtime || *mtime > (uint64_t(1) << 62))
            fail(where + ": mtime field is not valid");
        e.mode = static_cast<uint32_t>(*mode & 07777);
        e.uid = static_cast<uint32_t>(*uid);
        e.gid = static_cast<uint32_t>(*gid);
        e.mtime = static_cast<int64_t>(*mtime);
        e.size = *size;

        // The entry's own records win over the global ones of the same key.
        for (const auto& [k, v] : global_)
            if (!local || local->count(k) == 0)
                apply_pax(e, k, v, where);
        if (local)
            for (const auto& [k, v] : *local)
                apply_pax(e, k, v, where);

        if (e.path.empty())
            fail(where + ": entry without a name");
        if (e.path.find('\0') != std::string::npos || e.link_target.find('\0') != std::string::npos)
            fail(where + ": NUL byte in a name");
        if (e.path.size() > limits_.max_path)
            fail(where + ": name of " + std::to_string(e.path.size()) +
                 " bytes is over the limit of " + std::to_string(limits_.max_path));
        if (e.link_target.size() > limits_.max_path)
            fail("tar entry " + quote(e.path) + ": link target of " +
                 std::to_string(e.link_target.size()) + " bytes is over the limit of " +
                 std::to_string(limits_.max_path));
        std::string what = "tar entry " + quote(e.path);
        if (t == '\0' && e.path.back() == '/')
            e.type = EntryType::directory; // pre-POSIX directories
        if (e.type == EntryType::char_device || e.type == EntryType::block_device) {
            auto major = num_field(b, kDevMajor), minor = num_field(b, kDevMinor);
            if (!major || !minor || *major > 0xfff || *minor > 0xfffff)
                fail(what + ": device number is not valid");
            e.dev_major = static_cast<uint32_t>(*major);
            e.dev_minor = static_cast<uint32_t>(*minor);
        }
        bool content = e.type == EntryType::file || e.type == EntryType::hardlink;
        if (!content && e.size != 0)
            fail(what + ": a " + entry_type_name(e.type) + " entry with " + std::to_string(e.size) +
                 " bytes of content");
        if (e.size > limits_.max_entry_size)
            fail(what + ": size " + std::to_string(e.size) + " is over the limit of " +
                 std::to_string(limits_.max_entry_size) + " bytes");
        if ((e.type == EntryType::symlink || e.type == EntryType::hardlink) &&
            e.link_target.empty())
            fail(what + ": " + entry_type_name(e.type) + " without a target");
        current_ = e.path;
        remaining_ = e.size;
        padding_ = (e.size + kBlock - 1) / kBlock * kBlock - e.size;
        return true;
    }
}

} // namespace ward::trust
