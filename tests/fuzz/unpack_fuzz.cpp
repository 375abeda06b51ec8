// Fuzz target: the layer unpacker end to end (trust/unpack, beneath
// base/in_root) on generated layers. The input drives a small generator
// (below) that writes one or two tar layers with the entries a hostile
// image would use: ".." and absolute names, symlinks (also to the directory
// beside the target) then names through them, hardlinks to missing or
// special targets, devices and fifos, whiteouts, GNU long names, PAX
// headers (path, linkpath, size, xattrs), setuid modes. Each is unpacked
// as root into target/ of a fresh temporary directory, which is removed
// after each input. Any input must end in a tree or a ward::Error; an entry
// written beside target/ (or anywhere else in the temporary directory) is
// a bug and aborts. Needs root, as unpacking does (chown, mknod).
#include "../unit/tar_writer.hpp"
#include "ward/base/error.hpp"
#include "ward/trust/file_record.hpp"
#include "ward/trust/stream.hpp"
#include "ward/trust/unpack.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <string>
#include <string_view>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace {

namespace fs = std::filesystem;
using ward::test::TarHeader;
using ward::test::TarWriter;

// Reads the input a byte at a time; zeros once it runs out.
struct Input {
    const uint8_t* data;
    size_t size;
    size_t at = 0;

    bool empty() const { return at >= size; }
    uint8_t byte() { return at < size ? data[at++] : 0; }
    unsigned below(unsigned n) { return byte() % n; }
    // Up to `max` raw bytes, the count taken from the input.
    std::string bytes(size_t max) {
        size_t n =
            std::min<size_t>(below(static_cast<unsigned>(max) + 1), size - std::min(at, size));
        std::string out(reinterpret_cast<const char*>(data + at), n);
        at += n;
        return out;
    }
};

// Path components a hostile layer would pick ("@OUT" becomes the absolute
// path of the directory that holds target/).
const char* const kParts[] = {
    "a",         "b",     "c",    "..",    ".",       "",
    "etc",       "lnk",   "dir",  ".wh.a", ".wh.b",   ".wh..wh..opq",
    ".wh..wh.x", ".wh..", "@OUT", "/",     "outside", "dev",
    "x\n",       "é",
};

struct Generator {
    Input& in;
    std::string out_dir; // absolute, holds target/ and outside/

    std::string part() {
        std::string p = kParts[in.below(std::size(kParts))];
        if (p == "@OUT")
            return out_dir;
        return p;
    }

    std::string path() {
        unsigned shape = in.below(8);
        if (shape == 0)
            return std::string(in.below(2) ? 120 : 300, 'n'); // past ustar's 100 bytes
        if (shape == 1)
            return in.bytes(24); // raw bytes, NULs and slashes included
        unsigned n = 1 + in.below(4);
        std::string p = in.below(6) == 0 ? "/" : (in.below(4) == 0 ? "./" : "");
        for (unsigned i = 0; i < n; ++i) {
            if (i)
                p += "/";
            p += part();
        }
        if (in.below(8) == 0)
            p += "/";
        return p;
    }

    std::string link_target() {
        switch (in.below(6)) {
        case 0:
            return out_dir;
        case 1:
            return out_dir + "/outside/marker";
        case 2:
            return "../../outside";
        case 3:
            return "/etc/passwd";
        default:
            return path();
        }
    }

    unsigned mode() {
        static const unsigned kModes[] = {0644, 0755, 04755, 02755, 0, 07777, 01777, 0600};
        return kModes[in.below(std::size(kModes))];
    }

    void pax(TarWriter& w, char type) {
        std::map<std::string, std::string> records;
        unsigned n = 1 + in.below(3);
        for (unsigned i = 0; i < n; ++i) {
            switch (in.below(9)) {
            case 0:
                records["path"] = path();
                break;
            case 1:
                records["linkpath"] = link_target();
                break;
            case 2:
                records["size"] = std::to_string(in.below(4) == 0 ? 1u << 30 : in.below(64));
                break;
            case 3:
                records["SCHILY.xattr.user.k"] = in.bytes(16);
                break;
            case 4:
                records["SCHILY.xattr.security.capability"] = in.bytes(24);
                break;
            case 5:
                records["SCHILY.xattr.trusted.x"] = "v";
                break;
            case 6:
                records["mtime"] = in.below(2) ? "1700000000.5" : "-1";
                break;
            case 7:
                records["uid"] = in.below(2) ? "4294967295" : "1000";
                break;
            default:
                records[in.bytes(8)] = in.bytes(8);
                break;
            }
        }
        w.pax(records, type);
    }

    // `depth`: headers (PAX, GNU long name) already written for this entry.
    void entry(TarWriter& w, unsigned depth = 0) {
        TarHeader h;
        h.name = path();
        h.mode = mode();
        h.uid = in.below(3) == 0 ? 1000 : 0;
        h.gid = h.uid;
        std::string content;
        switch (in.below(depth < 3 ? 13 : 7)) {
        case 0:
        case 1:
            h.type = in.below(4) == 0 ? '\0' : '0';
            content = in.bytes(48);
            break;
        case 2:
            h.type = '5';
            break;
        case 3:
            h.type = '2';
            h.link = link_target();
            break;
        case 4:
            h.type = '1';
            h.link = link_target();
            break;
        case 5:
            h.type = in.below(2) ? '3' : '4';
            h.major = in.below(2) ? 1 : 4095;
            h.minor = in.below(2) ? 3 : 1048575;
            break;
        case 6:
            h.type = '6';
            break;
        case 7:
            pax(w, 'x');
            return entry(w, depth + 1);
        case 8:
            pax(w, 'g');
            return;
        case 9:
            w.gnu_long(in.below(2) ? 'L' : 'K', in.below(2) ? path() : link_target());
            return entry(w, depth + 1);
        case 10:
            // An odd header: an unknown type, a size the content does not
            // have, or the ustar prefix field used.
            h.type = static_cast<char>(in.byte());
            if (in.below(2))
                h.prefix = path();
            else
                h.size = in.below(4096);
            break;
        case 11:
            h.gnu = true;
            h.type = '0';
            content = in.bytes(16);
            break;
        default:
            h.type = '0';
            h.name = path() + "/.wh." + part();
            break;
        }
        if (h.size == 0)
            h.size = content.size();
        w.entry(h, content);
    }

    std::string layer() {
        TarWriter w;
        unsigned n = 1 + in.below(24);
        for (unsigned i = 0; i < n && !in.empty(); ++i)
            entry(w);
        if (in.below(16) == 0)
            return w.out; // no end-of-archive blocks
        return w.finish();
    }
};

// Everything in `dir` but target/'s tree, with what a write through a link
// would change (mode, owner, links, size, mtime).
std::string outside_listing(const fs::path& dir) {
    std::string out;
    for (auto it = fs::recursive_directory_iterator(dir); it != fs::recursive_directory_iterator();
         ++it) {
        if (it->path() == dir / "target") {
            it.disable_recursion_pending();
            continue;
        }
        struct stat st {};
        if (::lstat(it->path().c_str(), &st) != 0)
            continue;
        out += it->path().string() + " mode " + std::to_string(st.st_mode) + " uid " +
               std::to_string(st.st_uid) + " links " + std::to_string(st.st_nlink) + " size " +
               std::to_string(st.st_size) + " mtime " + std::to_string(st.st_mtim.tv_sec) + "." +
               std::to_string(st.st_mtim.tv_nsec) + "\n";
    }
    return out;
}

ward::trust::Treatment treatment(uint8_t b) {
    static const ward::trust::Treatment kAll[] = {
        ward::trust::Treatment::refuse, ward::trust::Treatment::drop, ward::trust::Treatment::keep};
    return kAll[b % 3];
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const char* tmp = std::getenv("TMPDIR");
    std::string templ = std::string(tmp && *tmp ? tmp : "/tmp") + "/ward-unpack-fuzz.XXXXXX";
    if (!::mkdtemp(templ.data())) {
        std::perror("mkdtemp");
        std::abort();
    }
    const fs::path dir = templ;
    fs::create_directory(dir / "target");
    fs::create_directories(dir / "outside" / "dir");
    {
        FILE* f = std::fopen((dir / "outside" / "marker").c_str(), "w");
        std::fputs("outside", f);
        std::fclose(f);
    }
    const std::string before = outside_listing(dir);

    Input in{data, size};
    ward::trust::UnpackOptions options;
    uint8_t flags = in.byte();
    options.devices = treatment(flags);
    options.setid = treatment(flags / 3);
    options.file_capabilities = treatment(flags / 9);
    ward::trust::UnpackLimits limits;
    limits.max_entries = 64;
    limits.max_content = 1 << 20;
    limits.max_uncompressed = 4 << 20;
    limits.max_path = 256;
    limits.max_depth = 8;
    Generator gen{in, dir.string()};
    unsigned layers = 1 + flags / 27 % 2;

    int fd = ::open((dir / "target").c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        std::perror("open target");
        std::abort();
    }
    ward::trust::TreeRecord tree;
    for (unsigned i = 0; i < layers; ++i) {
        std::string tar = gen.layer();
        ward::trust::MemorySource blob(tar);
        try {
            ward::trust::unpack_layer(fd, blob, "application/vnd.oci.image.layer.v1.tar", limits,
                                      options, tree);
        } catch (const ward::Error&) {
            break;
        }
        if (outside_listing(dir) != before)
            break;
    }
    ::close(fd);
    const std::string after = outside_listing(dir);
    if (after != before) {
        std::fprintf(stderr, "fuzz: unpack wrote outside its target\nbefore:\n%safter:\n%s",
                     before.c_str(), after.c_str());
        std::abort();
    }
    std::error_code ec;
    fs::remove_all(dir, ec);
    if (ec) {
        std::fprintf(stderr, "fuzz: cannot remove %s: %s\n", dir.c_str(), ec.message().c_str());
        std::abort();
    }
    return 0;
}
