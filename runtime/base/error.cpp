#include "ward/base/error.hpp"

#include <cctype>
#include <cstring>

namespace ward {

void fail(std::string msg) {
    throw Error(msg);
}

std::string errno_text(int err) {
    std::string text = strerrordesc_np(err) ? strerrordesc_np(err) : "unknown error";
    if (!text.empty())
        text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
    return text;
}

std::string errno_name(int err) {
    const char* name = strerrorname_np(err);
    return name ? name : "E" + std::to_string(err);
}

void fail_errno(std::string_view what, int err) {
    throw Error(std::string(what) + ": " + errno_text(err));
}

} // namespace ward
