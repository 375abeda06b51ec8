// GVariant text → a D-Bus value (the subset in variant_text.hpp). One pass,
// no recursion but the one level an array of strings needs.
#include "ward/dbus/variant_text.hpp"

#include "ward/base/error.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

namespace ward::dbus {
namespace {

struct Keyword {
    std::string_view word;
    std::string_view type;
};
constexpr Keyword kKeywords[] = {
    {"boolean", "b"}, {"byte", "y"},  {"int16", "n"},  {"uint16", "q"}, {"int32", "i"},
    {"uint32", "u"},  {"int64", "x"}, {"uint64", "t"}, {"double", "d"}, {"string", "s"},
};
constexpr std::string_view kTypes[] = {"b", "y", "n", "q", "i", "u", "x", "t", "d", "s", "as"};

std::string_view type_name(std::string_view type) {
    for (const auto& k : kKeywords)
        if (k.type == type)
            return k.word;
    return type == "as" ? "array of strings" : "value";
}

class Parser {
  public:
    explicit Parser(std::string_view text) : s_(text) {}

    Value value(std::string_view want) {
        skip_space();
        if (at_end())
            fail("no value");
        char c = s_[i_];
        if (c == '@') {
            ++i_;
            std::string_view type = word([](char ch) { return ch != ' ' && ch != '\t'; });
            bool known = false;
            for (auto t : kTypes)
                known = known || t == type;
            if (!known)
                fail("@" + std::string(type) +
                     ": ward reads only the types b y n q i u x t d s as");
            check_type(want, type);
            return value(type);
        }
        if (c == '\'' || c == '"') {
            check_type(want, "s");
            return string();
        }
        if (c == '[')
            return array(want);
        if (is_letter(c)) {
            std::string_view w = word(is_letter_or_digit);
            if (w == "true" || w == "false") {
                check_type(want, "b");
                return w == "true";
            }
            for (const auto& k : kKeywords)
                if (w == k.word) {
                    check_type(want, k.type);
                    std::size_t before = i_;
                    skip_space();
                    if (i_ == before)
                        fail(std::string(w) + " is not followed by a space and a value");
                    return value(k.type);
                }
            for (std::string_view other : {"handle", "objectpath", "signature", "just", "nothing"})
                if (w == other)
                    fail("GVariant's " + std::string(w) + " is not a type ward reads");
            fail("\"" + std::string(w) + "\" is not a value (a string needs quotes: '" +
                 std::string(w) + "')");
        }
        return number(want);
    }

    void finish() {
        skip_space();
        if (!at_end())
            fail("\"" + std::string(s_.substr(i_)) + "\" follows the value");
    }

  private:
    static bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
    static bool is_letter_or_digit(char c) { return is_letter(c) || (c >= '0' && c <= '9'); }
    bool at_end() const { return i_ >= s_.size(); }
    void skip_space() {
        while (!at_end() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n'))
            ++i_;
    }
    template <typename Pred>
    std::string_view word(Pred&& ok) {
        std::size_t start = i_;
        while (!at_end() && ok(s_[i_]))
            ++i_;
        return s_.substr(start, i_ - start);
    }
    static void check_type(std::string_view want, std::string_view got) {
        if (!want.empty() && want != got)
            fail("a " + std::string(type_name(got)) + " where the type says " +
                 std::string(type_name(want)));
    }

    std::string string() {
        char quote = s_[i_++];
        std::string out;
        while (!at_end() && s_[i_] != quote) {
            char c = s_[i_++];
            if (c == '\0')
                fail("a string holds a NUL byte");
            if (c != '\\') {
                out += c;
                continue;
            }
            if (at_end())
                break;
            char e = s_[i_++];
            static constexpr std::pair<char, char> kEscapes[] = {
                {'\\', '\\'}, {'\'', '\''}, {'"', '"'},  {'n', '\n'}, {'t', '\t'},
                {'r', '\r'},  {'a', '\a'},  {'b', '\b'}, {'f', '\f'}, {'v', '\v'},
            };
            auto known = std::find_if(std::begin(kEscapes), std::end(kEscapes),
                                      [&](const auto& k) { return k.first == e; });
            if (known == std::end(kEscapes))
                fail(std::string("the escape \\") + e + " is not one ward reads");
            out += known->second;
        }
        if (at_end())
            fail("a string has no closing " + std::string(1, quote));
        ++i_;
        return out;
    }

    Value array(std::string_view want) {
        if (!want.empty() && want != "as")
            fail("an array where the type says " + std::string(type_name(want)) +
                 " (ward reads arrays of strings only)");
        ++i_;
        std::vector<std::string> items;
        skip_space();
        if (!at_end() && s_[i_] == ']') {
            ++i_;
            if (want.empty())
                fail("an empty array needs its type: @as []");
            return items;
        }
        for (;;) {
            skip_space();
            if (at_end() || (s_[i_] != '\'' && s_[i_] != '"'))
                fail("an array element that is not a quoted string (ward reads arrays of "
                     "strings only)");
            items.push_back(string());
            skip_space();
            if (at_end())
                fail("an array has no closing ]");
            if (s_[i_] == ']') {
                ++i_;
                return items;
            }
            if (s_[i_] != ',')
                fail("array elements are separated by commas");
            ++i_;
        }
    }

    Value number(std::string_view want) {
        std::string_view tok =
            word([](char c) { return is_letter_or_digit(c) || c == '.' || c == '+' || c == '-'; });
        if (tok.empty())
            fail("\"" + std::string(s_.substr(i_, 16)) + "\" is not a value");
        bool hex =
            tok.find("0x") != std::string_view::npos || tok.find("0X") != std::string_view::npos;
        bool floating = !hex && tok.find_first_of(".eE") != std::string_view::npos;
        if (want == "d" || (want.empty() && floating))
            return floating_point(tok);
        if (want == "b" || want == "s" || want == "as")
            fail("\"" + std::string(tok) + "\" where the type says " +
                 std::string(type_name(want)));
        return integer(tok, want.empty() ? "i" : want);
    }

    static Value floating_point(std::string_view tok) {
        double d = 0;
        std::string_view digits = tok.starts_with('+') ? tok.substr(1) : tok;
        auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), d);
        if (ec != std::errc() || end != digits.data() + digits.size() || !std::isfinite(d))
            fail("\"" + std::string(tok) + "\" is not a number");
        return d;
    }

    // The magnitude and sign of a decimal or 0x integer, then the type's range.
    static Value integer(std::string_view tok, std::string_view type) {
        bool negative = tok.starts_with('-');
        std::string_view digits =
            tok.starts_with('-') || tok.starts_with('+') ? tok.substr(1) : tok;
        int base = 10;
        if (digits.starts_with("0x") || digits.starts_with("0X")) {
            base = 16;
            digits.remove_prefix(2);
        } else if (digits.size() > 1 && digits[0] == '0') {
            fail("\"" + std::string(tok) +
                 "\": a leading 0 makes an octal number in GVariant; "
                 "write it without");
        }
        std::uint64_t magnitude = 0;
        auto [end, ec] =
            std::from_chars(digits.data(), digits.data() + digits.size(), magnitude, base);
        if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size())
            fail("\"" + std::string(tok) + "\" is not a number");
        __int128 v = negative ? -static_cast<__int128>(magnitude) : magnitude;
        auto in_range = [&](auto zero) -> Value {
            using T = decltype(zero);
            if (v < std::numeric_limits<T>::min() || v > std::numeric_limits<T>::max())
                fail(std::string(tok) + " does not fit " + std::string(type_name(type)) +
                     (type == "i" ? " (an untyped number is an int32: give the type, e.g. "
                                    "uint64 " +
                                        std::string(tok) + ")"
                                  : ""));
            return static_cast<T>(v);
        };
        if (type == "y")
            return in_range(std::uint8_t{});
        if (type == "n")
            return in_range(std::int16_t{});
        if (type == "q")
            return in_range(std::uint16_t{});
        if (type == "i")
            return in_range(std::int32_t{});
        if (type == "u")
            return in_range(std::uint32_t{});
        if (type == "x")
            return in_range(std::int64_t{});
        return in_range(std::uint64_t{}); // t
    }

    std::string_view s_;
    std::size_t i_ = 0;
};

} // namespace

Value parse_variant_text(std::string_view text) {
    if (text.size() > kMaxVariantText)
        fail("longer than " + std::to_string(kMaxVariantText) + " bytes");
    Parser p(text);
    Value v = p.value("");
    p.finish();
    return v;
}

} // namespace ward::dbus
