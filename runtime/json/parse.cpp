// JSON text → Value with yajl's event parser. Numbers arrive as raw text so
// integers stay exact (uint64 seccomp values, int64 limits); the DOM is
// built on an explicit stack so nesting depth is bounded by a limit, not by
// the C++ call stack.
#include "ward/base/error.hpp"
#include "ward/base/hex.hpp"
#include "ward/base/strings.hpp"
#include "ward/json/json.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <memory>
#include <unordered_set>
#include <yajl/yajl_parse.h>

namespace ward::json {
namespace {

// Deeper documents are refused: destroying or printing a value recurses.
constexpr size_t kMaxDepth = 512;

struct Frame {
    Value value;
    std::string pending_key;
    std::unordered_set<std::string> keys; // objects only: duplicate detection
};

struct Builder {
    std::vector<Frame> stack;
    std::optional<Value> root;
    std::string error; // set when a callback refuses the document
    bool bad_utf8 = false;

    // yajl checks only that each sequence is well formed: an overlong form,
    // an encoded UTF-16 surrogate or a code point past U+10FFFF gets
    // through, and the writer would turn it into U+FFFD, so what ward
    // wrote back (state, records) would not be what it read.
    bool utf8(std::string_view s) {
        if (valid_utf8(s))
            return true;
        bad_utf8 = true;
        error = "invalid UTF-8 in a string (an overlong form, a UTF-16 surrogate or a code point "
                "past U+10FFFF)";
        return false;
    }

    bool add(Value v) {
        if (stack.empty()) {
            root = std::move(v);
            return true;
        }
        Frame& top = stack.back();
        if (top.value.is_array())
            top.value.as_array().push_back(std::move(v));
        else
            top.value.as_object().emplace_back(std::move(top.pending_key), std::move(v));
        return true;
    }

    bool open(Value container) {
        if (stack.size() >= kMaxDepth) {
            error = "nesting deeper than " + std::to_string(kMaxDepth) + " levels";
            return false;
        }
        stack.push_back(Frame{std::move(container), {}, {}});
        return true;
    }

    bool close() {
        Value done = std::move(stack.back().value);
        stack.pop_back();
        return add(std::move(done));
    }
};

Builder& builder(void* ctx) {
    return *static_cast<Builder*>(ctx);
}

// Integers without fraction or exponent are kept exact: int64 when they fit,
// else uint64; anything else (or an integer beyond uint64) becomes a double.
Value number_value(std::string_view text) {
    bool integral = text.find_first_of(".eE") == std::string_view::npos;
    if (integral) {
        const char* begin = text.data();
        const char* end = begin + text.size();
        int64_t i = 0;
        auto [p, ec] = std::from_chars(begin, end, i);
        if (ec == std::errc() && p == end)
            return Value(static_cast<long long>(i));
        if (text.front() != '-') {
            uint64_t u = 0;
            auto [pu, ecu] = std::from_chars(begin, end, u);
            if (ecu == std::errc() && pu == end)
                return Value(static_cast<unsigned long long>(u));
        }
    }
    std::string copy(text); // strtod needs a terminator
    return Value(std::strtod(copy.c_str(), nullptr));
}

int on_null(void* ctx) {
    return builder(ctx).add(Value());
}
int on_boolean(void* ctx, int b) {
    return builder(ctx).add(Value(b != 0));
}
int on_number(void* ctx, const char* text, size_t len) {
    return builder(ctx).add(number_value(std::string_view(text, len)));
}
int on_string(void* ctx, const unsigned char* s, size_t len) {
    std::string text(reinterpret_cast<const char*>(s), len);
    return builder(ctx).utf8(text) && builder(ctx).add(Value(std::move(text)));
}
int on_start_map(void* ctx) {
    return builder(ctx).open(Value::object());
}
int on_map_key(void* ctx, const unsigned char* s, size_t len) {
    Builder& b = builder(ctx);
    Frame& top = b.stack.back();
    std::string key(reinterpret_cast<const char*>(s), len);
    if (!b.utf8(key))
        return 0;
    if (!top.keys.insert(key).second) {
        b.error = "duplicate key \"" + key + "\"";
        return 0;
    }
    top.pending_key = std::move(key);
    return 1;
}
int on_end(void* ctx) {
    return builder(ctx).close();
}
int on_start_array(void* ctx) {
    return builder(ctx).open(Value::array());
}

const yajl_callbacks kCallbacks = {
    on_null,      on_boolean, nullptr, nullptr,        on_number, on_string,
    on_start_map, on_map_key, on_end,  on_start_array, on_end,
};

struct HandleDeleter {
    void operator()(yajl_handle h) const { yajl_free(h); }
};

// yajl's short messages look like "parse error: premature EOF\n".
std::string clean_yajl_message(const unsigned char* raw) {
    std::string text = raw ? reinterpret_cast<const char*>(raw) : "syntax error";
    for (const char* prefix : {"lexical error: ", "parse error: "})
        if (text.starts_with(prefix))
            text.erase(0, std::string_view(prefix).size());
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ' || text.back() == '.'))
        text.pop_back();
    return text;
}

[[noreturn]] void fail_at(std::string_view text, size_t offset, const std::string& why) {
    offset = std::min(offset, text.size());
    size_t line = 1, column = 1;
    for (size_t i = 0; i < offset; ++i) {
        if (text[i] == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    fail("invalid JSON at line " + std::to_string(line) + ", column " + std::to_string(column) +
         ": " + why);
}

// The \uXXXX escape at text[i] ("\u" and four hex digits), or -1.
long escape_at(std::string_view text, size_t i) {
    if (i + 6 > text.size() || text[i] != '\\' || text[i + 1] != 'u')
        return -1;
    long value = 0;
    for (size_t k = i + 2; k < i + 6; ++k) {
        int h = hex_digit_value(text[k]);
        if (h < 0)
            return -1;
        value = value * 16 + h;
    }
    return value;
}

// yajl turns a lone UTF-16 surrogate escape into '?' (high) or into an
// invalid 3-byte UTF-8 sequence (low), so a name could read differently
// than it was written. A document yajl accepted has backslashes only inside
// strings, so each escape is found by a plain scan.
void refuse_lone_surrogates(std::string_view text) {
    if (text.find("\\u") == std::string_view::npos)
        return;
    for (size_t i = 0; i + 1 < text.size(); ++i) {
        if (text[i] != '\\')
            continue;
        long cp = escape_at(text, i);
        if (cp < 0) {
            ++i; // another escape: skip its character (the 'u' of \\\\u is no escape)
            continue;
        }
        std::string escape(text.substr(i, 6));
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            long low = escape_at(text, i + 6);
            if (low >= 0xDC00 && low <= 0xDFFF) {
                i += 11;
                continue;
            }
            fail_at(text, i,
                    "lone UTF-16 surrogate " + escape +
                        " in a string: a high surrogate (\\uD800-\\uDBFF) must be followed by "
                        "a low one (\\uDC00-\\uDFFF)");
        }
        if (cp >= 0xDC00 && cp <= 0xDFFF)
            fail_at(text, i,
                    "lone UTF-16 surrogate " + escape +
                        " in a string: a low surrogate (\\uDC00-\\uDFFF) must follow a high "
                        "one (\\uD800-\\uDBFF)");
        i += 5;
    }
}

} // namespace

Value parse(std::string_view text) {
    Builder b;
    std::unique_ptr<yajl_handle_t, HandleDeleter> handle(yajl_alloc(&kCallbacks, nullptr, &b));
    if (!handle)
        fail("invalid JSON: out of memory");
    auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
    yajl_status status = yajl_parse(handle.get(), bytes, text.size());
    size_t offset = yajl_get_bytes_consumed(handle.get());
    if (status == yajl_status_ok) {
        status = yajl_complete_parse(handle.get());
        offset = text.size();
    }
    if (status == yajl_status_client_canceled) {
        // A lone low surrogate escape decodes to invalid UTF-8: say which.
        if (b.bad_utf8)
            refuse_lone_surrogates(text.substr(0, offset));
        fail_at(text, offset, b.error);
    }
    if (status != yajl_status_ok) {
        unsigned char* raw = yajl_get_error(handle.get(), 0, bytes, text.size());
        std::string why = clean_yajl_message(raw);
        yajl_free_error(handle.get(), raw);
        fail_at(text, offset, why);
    }
    if (!b.root)
        fail_at(text, text.size(), "no value");
    refuse_lone_surrogates(text);
    return std::move(*b.root);
}

} // namespace ward::json
