// `ward audit --compare` printed: side by side for people, or JSON.
#include "ward/audit/compare.hpp"
#include "ward/base/strings.hpp"

#include <algorithm>

namespace ward::audit {
namespace {

constexpr size_t kWidth = 100;

// `text` in lines of at most `width` characters: split at spaces, a word
// longer than a line cut into pieces.
std::vector<std::string> wrap_cell(const std::string& text, size_t width) {
    std::vector<std::string> lines{""};
    for (std::string word : split(text, ' ')) {
        if (word.empty())
            continue;
        while (!word.empty()) {
            std::string& line = lines.back();
            size_t room = line.empty() ? width : width - std::min(width, line.size() + 1);
            if (word.size() <= room) {
                line += (line.empty() ? "" : " ") + word;
                word.clear();
            } else if (line.empty()) {
                line = word.substr(0, width);
                word.erase(0, width);
                lines.emplace_back();
            } else {
                lines.emplace_back();
            }
        }
    }
    if (lines.size() > 1 && lines.back().empty())
        lines.pop_back();
    return lines;
}

std::string pad(const std::string& s, size_t width) {
    return s.size() < width ? s + std::string(width - s.size(), ' ') : s;
}

// One table row from cells already wrapped: as many lines as its tallest cell.
std::string layout(const std::vector<std::vector<std::string>>& cells,
                   const std::vector<size_t>& widths) {
    size_t height = 0;
    for (const auto& c : cells)
        height = std::max(height, c.size());
    std::string out;
    for (size_t line = 0; line < height; ++line) {
        std::string text;
        for (size_t i = 0; i < cells.size(); ++i) {
            std::string part = line < cells[i].size() ? cells[i][line] : "";
            text += i + 1 < cells.size() ? pad(part, widths[i] + 2) : part;
        }
        while (!text.empty() && text.back() == ' ')
            text.pop_back();
        out += text + "\n";
    }
    return out;
}

} // namespace

std::string compare_table(const Comparison& c) {
    size_t label_width = 0;
    for (const auto& row : c.rows)
        label_width = std::max(label_width, row.field.size() + 2);
    size_t n = std::max<size_t>(c.labels.size(), 1);
    size_t cell_width = std::max<size_t>(20, (kWidth - std::min(kWidth, label_width)) / n - 2);
    std::vector<size_t> widths{label_width};
    widths.insert(widths.end(), n, cell_width);

    std::vector<std::vector<std::string>> header{{"ROW"}};
    for (const auto& label : c.labels)
        header.push_back(wrap_cell(label, cell_width));
    std::string out = layout(header, widths);
    std::string area;
    for (const auto& row : c.rows) {
        if (row.area != area) {
            area = row.area;
            out += area + "\n";
        }
        std::vector<std::vector<std::string>> cells{{"  " + row.field}};
        for (const auto& cell : row.cells)
            cells.push_back(wrap_cell((cell.weaker ? "* " : "") + cell.text, cell_width));
        out += layout(cells, widths);
    }
    out += "\n* the weaker value of its row (ward-audit(8) says what is weaker in each)\n";
    return out;
}

json::Value compare_json(const Comparison& c) {
    json::Value out = json::Value::object();
    out.set("wardCompareVersion", 1);
    json::Value subjects = json::Value::array();
    for (size_t i = 0; i < c.labels.size(); ++i) {
        json::Value s = json::Value::object();
        s.set("label", c.labels[i]);
        s.set("kind", i < c.kinds.size() ? c.kinds[i] : "");
        subjects.push(std::move(s));
    }
    out.set("subjects", std::move(subjects));
    json::Value rows = json::Value::array();
    for (const auto& row : c.rows) {
        json::Value r = json::Value::object();
        r.set("area", row.area);
        r.set("field", row.field);
        json::Value cells = json::Value::array();
        for (const auto& cell : row.cells) {
            json::Value v = json::Value::object();
            v.set("value", cell.value);
            v.set("text", cell.text);
            v.set("weaker", cell.weaker);
            if (!cell.seen)
                v.set("seen", false);
            cells.push(std::move(v));
        }
        r.set("cells", std::move(cells));
        rows.push(std::move(r));
    }
    out.set("rows", std::move(rows));
    return out;
}

} // namespace ward::audit
