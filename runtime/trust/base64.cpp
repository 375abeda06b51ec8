// Base64 for signatures. Written here rather than with OpenSSL's
// EVP_DecodeBlock, which accepts whitespace and returns padding bytes as
// data: a signature must decode to exactly the bytes that were encoded.
#include "base64.hpp"

#include <cstdint>

namespace ward::trust {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int value_of(char c) {
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

} // namespace

std::string base64_encode(std::string_view data) {
    std::string out;
    out.reserve((data.size() + 2) / 3 * 4);
    size_t i = 0;
    for (; i + 3 <= data.size(); i += 3) {
        uint32_t n = (uint8_t(data[i]) << 16) | (uint8_t(data[i + 1]) << 8) | uint8_t(data[i + 2]);
        for (int shift : {18, 12, 6, 0})
            out.push_back(kAlphabet[(n >> shift) & 63]);
    }
    size_t rest = data.size() - i;
    if (rest) {
        uint32_t n = uint8_t(data[i]) << 16;
        if (rest == 2)
            n |= uint8_t(data[i + 1]) << 8;
        out.push_back(kAlphabet[(n >> 18) & 63]);
        out.push_back(kAlphabet[(n >> 12) & 63]);
        out.push_back(rest == 2 ? kAlphabet[(n >> 6) & 63] : '=');
        out.push_back('=');
    }
    return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
    if (text.size() % 4 != 0)
        return std::nullopt;
    std::string out;
    out.reserve(text.size() / 4 * 3);
    for (size_t i = 0; i < text.size(); i += 4) {
        bool last = i + 4 == text.size();
        int pad = 0;
        if (last && text[i + 3] == '=')
            pad = text[i + 2] == '=' ? 2 : 1;
        uint32_t n = 0;
        for (int j = 0; j < 4; ++j) {
            int v = j >= 4 - pad ? 0 : value_of(text[i + j]);
            if (v < 0)
                return std::nullopt;
            n = (n << 6) | uint32_t(v);
        }
        out.push_back(char((n >> 16) & 255));
        if (pad < 2)
            out.push_back(char((n >> 8) & 255));
        if (pad < 1)
            out.push_back(char(n & 255));
        // Non-canonical encodings (bits set in the padding) are refused,
        // so each signature has one spelling.
        if ((pad == 1 && (n & 255)) || (pad == 2 && (n & 0xffff)))
            return std::nullopt;
    }
    return out;
}

} // namespace ward::trust
