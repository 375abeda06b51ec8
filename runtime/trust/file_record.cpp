#include "ward/trust/file_record.hpp"

#include "base64.hpp"
#include "ward/base/error.hpp"
#include "ward/base/strings.hpp"
#include "ward/json/json.hpp"

#include <cstdio>
#include <optional>

namespace ward::trust {

namespace {

std::string octal_mode(uint32_t mode) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%04o", mode & 07777);
    return buf;
}

std::optional<EntryType> type_from_name(std::string_view name) {
    for (auto t : {EntryType::file, EntryType::symlink, EntryType::char_device,
                   EntryType::block_device, EntryType::directory, EntryType::fifo})
        if (name == entry_type_name(t))
            return t;
    return std::nullopt;
}

} // namespace

void TreeRecord::erase_tree(const std::string& path) {
    if (path.empty()) {
        files.clear();
        return;
    }
    files.erase(path);
    std::string prefix = path + "/";
    for (auto it = files.lower_bound(prefix); it != files.end() && starts_with(it->first, prefix);)
        it = files.erase(it);
}

std::string serialize_records(const TreeRecord& tree) {
    std::string out;
    for (auto& [path, r] : tree.files) {
        out += "{\"path\":";
        append_json_string(out, "/" + path);
        out += ",\"type\":\"";
        out += entry_type_name(r.type);
        out += "\",\"mode\":\"" + octal_mode(r.mode) + "\"";
        out += ",\"uid\":" + std::to_string(r.uid) + ",\"gid\":" + std::to_string(r.gid);
        if (r.type == EntryType::file) {
            out += ",\"size\":" + std::to_string(r.size) + ",\"digest\":";
            append_json_string(out, r.digest);
        }
        if (r.type == EntryType::symlink) {
            out += ",\"target\":";
            append_json_string(out, r.target);
        }
        if (r.type == EntryType::char_device || r.type == EntryType::block_device)
            out +=
                ",\"major\":" + std::to_string(r.major) + ",\"minor\":" + std::to_string(r.minor);
        if (!r.xattrs.empty()) {
            out += ",\"xattrs\":{";
            bool first = true;
            for (auto& [name, value] : r.xattrs) {
                if (!first)
                    out += ',';
                first = false;
                append_json_string(out, name);
                out += ':';
                append_json_string(out, base64_encode(value));
            }
            out += '}';
        }
        out += "}\n";
    }
    return out;
}

TreeRecord parse_records(std::string_view text) {
    TreeRecord tree;
    size_t line_no = 0;
    std::string last;
    bool have_last = false;
    auto lines = split(text, '\n');
    if (!lines.empty() && lines.back().empty())
        lines.pop_back(); // the final newline
    for (auto& line : lines) {
        ++line_no;
        auto bad = [&](const std::string& why) -> void {
            fail("file record line " + std::to_string(line_no) + ": " + why);
        };
        json::Value v;
        try {
            v = json::parse(line);
        } catch (const Error& e) {
            bad(e.what());
        }
        if (!v.is_object())
            bad("not a JSON object");
        FileRecord r;
        std::string path;
        bool has_path = false, has_type = false, has_mode = false;
        auto uint_of = [&](const json::Value& x, const std::string& key, uint64_t max) {
            auto n = x.as_uint64();
            if (!n || *n > max)
                bad(quote(key) + " is not a valid number");
            return *n;
        };
        for (auto& [key, val] : v.as_object()) {
            if (key == "path") {
                path = val.as_string();
                has_path = true;
            } else if (key == "type") {
                auto t = type_from_name(val.as_string());
                if (!t)
                    bad("unknown type " + quote(val.as_string()));
                r.type = *t;
                has_type = true;
            } else if (key == "mode") {
                auto& m = val.as_string();
                if (m.size() != 4 || m.find_first_not_of("01234567") != std::string::npos)
                    bad("mode " + quote(m) + " is not four octal digits");
                r.mode = static_cast<uint32_t>(std::stoul(m, nullptr, 8));
                has_mode = true;
            } else if (key == "uid") {
                r.uid = static_cast<uint32_t>(uint_of(val, key, 0xffffffffu));
            } else if (key == "gid") {
                r.gid = static_cast<uint32_t>(uint_of(val, key, 0xffffffffu));
            } else if (key == "size") {
                r.size = uint_of(val, key, UINT64_MAX);
            } else if (key == "digest") {
                r.digest = val.as_string();
            } else if (key == "target") {
                r.target = val.as_string();
            } else if (key == "major") {
                r.major = static_cast<uint32_t>(uint_of(val, key, 0xfff));
            } else if (key == "minor") {
                r.minor = static_cast<uint32_t>(uint_of(val, key, 0xfffff));
            } else if (key == "xattrs") {
                if (!val.is_object())
                    bad("\"xattrs\" is not an object");
                for (auto& [name, b64] : val.as_object()) {
                    auto raw = base64_decode(b64.as_string());
                    if (!raw)
                        bad("xattr " + quote(name) + " is not base64");
                    r.xattrs[name] = *raw;
                }
            } else {
                bad("unknown key " + quote(key));
            }
        }
        if (!has_path || !has_type || !has_mode)
            bad("\"path\", \"type\" and \"mode\" are required");
        if (path.empty() || path.front() != '/')
            bad("path " + quote(path) + " is not absolute");
        std::string rel = path.substr(1);
        if (have_last && rel <= last)
            bad("path " + quote(path) + " is out of order or repeated");
        last = rel;
        have_last = true;
        tree.files.emplace(std::move(rel), std::move(r));
    }
    return tree;
}

} // namespace ward::trust
