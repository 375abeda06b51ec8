// A tiny tar writer for tests: every header field under the test's
// control, so malicious and malformed archives can be made exactly.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <map>
#include <string>

namespace ward::test {

struct TarHeader {
    std::string name;
    char type = '0';
    uint64_t size = 0;
    unsigned mode = 0644;
    unsigned uid = 0, gid = 0;
    uint64_t mtime = 1700000000;
    std::string link;
    unsigned major = 0, minor = 0;
    bool gnu = false;      // "ustar  \0" magic instead of "ustar\0" "00"
    bool no_magic = false; // an old V7 header
    std::string prefix;    // ustar prefix field
};

class TarWriter {
  public:
    // The raw 512-byte header, checksum included.
    static std::string header_block(const TarHeader& h) {
        std::string b(512, '\0');
        auto put = [&](size_t off, size_t len, const std::string& s) {
            std::memcpy(&b[off], s.data(), std::min(len, s.size()));
        };
        auto octal = [&](size_t off, size_t len, uint64_t v) {
            char buf[32];
            std::snprintf(buf, sizeof buf, "%0*llo", static_cast<int>(len - 1),
                          static_cast<unsigned long long>(v));
            put(off, len - 1, buf);
        };
        put(0, 100, h.name);
        octal(100, 8, h.mode);
        octal(108, 8, h.uid);
        octal(116, 8, h.gid);
        octal(124, 12, h.size);
        octal(136, 12, h.mtime);
        b[156] = h.type;
        put(157, 100, h.link);
        if (!h.no_magic) {
            if (h.gnu)
                put(257, 8, std::string("ustar  \0", 8));
            else
                put(257, 8,
                    std::string("ustar\0"
                                "00",
                                8));
        }
        octal(329, 8, h.major);
        octal(337, 8, h.minor);
        put(345, 155, h.prefix);
        fix_checksum(b);
        return b;
    }

    static void fix_checksum(std::string& b) {
        std::memset(&b[148], ' ', 8);
        unsigned sum = 0;
        for (unsigned char c : b)
            sum += c;
        char buf[8];
        std::snprintf(buf, sizeof buf, "%06o", sum);
        std::memcpy(&b[148], buf, 7); // six digits, NUL, then the space stays
    }

    void raw(const std::string& bytes) { out += bytes; }

    void entry(const TarHeader& h, const std::string& content = "") {
        out += header_block(h);
        out += content;
        pad();
    }

    void file(const std::string& name, const std::string& content, unsigned mode = 0644,
              unsigned uid = 0, unsigned gid = 0) {
        TarHeader h;
        h.name = name;
        h.size = content.size();
        h.mode = mode;
        h.uid = uid;
        h.gid = gid;
        entry(h, content);
    }
    void dir(const std::string& name, unsigned mode = 0755) {
        TarHeader h;
        h.name = name;
        h.type = '5';
        h.mode = mode;
        entry(h);
    }
    void symlink(const std::string& name, const std::string& target) {
        TarHeader h;
        h.name = name;
        h.type = '2';
        h.mode = 0777;
        h.link = target;
        entry(h);
    }
    void hardlink(const std::string& name, const std::string& target) {
        TarHeader h;
        h.name = name;
        h.type = '1';
        h.link = target;
        entry(h);
    }
    void device(const std::string& name, char type, unsigned major, unsigned minor) {
        TarHeader h;
        h.name = name;
        h.type = type;
        h.mode = 0666;
        h.major = major;
        h.minor = minor;
        entry(h);
    }
    // A PAX 'x' (or 'g') header with these records.
    void pax(const std::map<std::string, std::string>& records, char type = 'x') {
        std::string data;
        for (auto& [k, v] : records) {
            std::string body = " " + k + "=" + v + "\n";
            size_t len = body.size() + 1;
            while (std::to_string(len).size() + body.size() != len)
                ++len;
            data += std::to_string(len) + body;
        }
        TarHeader h;
        h.name = "PaxHeaders/x";
        h.type = type;
        h.size = data.size();
        entry(h, data);
    }
    void gnu_long(char type, const std::string& name) {
        TarHeader h;
        h.name = "././@LongLink";
        h.type = type;
        h.size = name.size() + 1;
        h.gnu = true;
        entry(h, name + std::string(1, '\0'));
    }

    // Two zero blocks, padded to a 10 KiB record as tar(1) does.
    std::string finish() {
        out += std::string(1024, '\0');
        if (out.size() % 10240)
            out += std::string(10240 - out.size() % 10240, '\0');
        return out;
    }

    std::string out;

  private:
    void pad() {
        if (out.size() % 512)
            out += std::string(512 - out.size() % 512, '\0');
    }
};

} // namespace ward::test
