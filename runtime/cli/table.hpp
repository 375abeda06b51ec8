// Aligned text columns, laid out like Go's tabwriter with runc's settings
// (minimum cell width 12, padding 3, spaces), so `ward list` lines up the
// way `runc list` does. The last column is never padded.
#pragma once

#include <string>
#include <vector>

namespace ward::cli {

using TableRow = std::vector<std::string>;

// One line per row, each ending in '\n'. Widths count UTF-8 code points.
std::string format_table(const std::vector<TableRow>& rows);

} // namespace ward::cli
