#include "table.hpp"

#include <algorithm>

namespace ward::cli {
namespace {

constexpr size_t kMinWidth = 12;
constexpr size_t kPadding = 3;

size_t display_width(const std::string& s) {
    // Count code points: every byte that is not a UTF-8 continuation byte.
    return static_cast<size_t>(std::count_if(
        s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

} // namespace

std::string format_table(const std::vector<TableRow>& rows) {
    std::vector<size_t> widths;
    for (const auto& row : rows)
        for (size_t col = 0; col + 1 < row.size(); ++col) {
            if (widths.size() <= col)
                widths.resize(col + 1, kMinWidth);
            widths[col] = std::max(widths[col], display_width(row[col]) + kPadding);
        }
    std::string out;
    for (const auto& row : rows) {
        for (size_t col = 0; col < row.size(); ++col) {
            out += row[col];
            if (col + 1 < row.size())
                out.append(widths[col] - display_width(row[col]), ' ');
        }
        out += '\n';
    }
    return out;
}

} // namespace ward::cli
