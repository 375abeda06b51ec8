// Value → JSON text, compact or indented like Go's json.MarshalIndent(v, "", "  ").
#include "ward/base/strings.hpp"
#include "ward/json/json.hpp"

#include <charconv>
#include <cmath>

namespace ward::json {
namespace {

void write_number(std::string& out, const Value& v) {
    if (auto i = v.as_int64()) {
        out += std::to_string(*i);
        return;
    }
    if (v.is_integer()) {
        out += std::to_string(*v.as_uint64());
        return;
    }
    double d = v.as_double();
    if (!std::isfinite(d)) {
        out += "null"; // JSON has no NaN or infinity
        return;
    }
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
    std::string_view text(buf, static_cast<size_t>(end - buf));
    out += text;
    // Keep a double a double when it is read back.
    if (text.find_first_of(".eEn") == std::string_view::npos)
        out += ".0";
}

void newline(std::string& out, Style style, int depth) {
    if (style == Style::pretty) {
        out += '\n';
        out.append(static_cast<size_t>(depth) * 2, ' ');
    }
}

void write_value(std::string& out, const Value& v, Style style, int depth) {
    switch (v.type()) {
    case Type::null:
        out += "null";
        break;
    case Type::boolean:
        out += v.as_bool() ? "true" : "false";
        break;
    case Type::number:
        write_number(out, v);
        break;
    case Type::string:
        append_json_string(out, v.as_string());
        break;
    case Type::array: {
        const auto& items = v.as_array();
        out += '[';
        for (size_t i = 0; i < items.size(); ++i) {
            if (i)
                out += ',';
            newline(out, style, depth + 1);
            write_value(out, items[i], style, depth + 1);
        }
        if (!items.empty())
            newline(out, style, depth);
        out += ']';
        break;
    }
    case Type::object: {
        const auto& members = v.as_object();
        out += '{';
        for (size_t i = 0; i < members.size(); ++i) {
            if (i)
                out += ',';
            newline(out, style, depth + 1);
            append_json_string(out, members[i].first);
            out += style == Style::pretty ? ": " : ":";
            write_value(out, members[i].second, style, depth + 1);
        }
        if (!members.empty())
            newline(out, style, depth);
        out += '}';
        break;
    }
    }
}

} // namespace

std::string serialize(const Value& value, Style style) {
    std::string out;
    write_value(out, value, style, 0);
    return out;
}

} // namespace ward::json
