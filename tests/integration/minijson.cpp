#include "integration/minijson.hpp"

#include <cstdio>
#include <stdexcept>

namespace ward_it {

Json Json::array(std::initializer_list<Json> items) {
    Json j;
    j.kind_ = Kind::array;
    j.items_.assign(items.begin(), items.end());
    return j;
}

Json Json::strings(const std::vector<std::string>& items) {
    Json j = array();
    for (const auto& s : items)
        j.push(s);
    return j;
}

Json& Json::operator[](const std::string& key) {
    if (kind_ == Kind::null)
        kind_ = Kind::object;
    if (kind_ != Kind::object)
        throw std::runtime_error("json: [\"" + key + "\"] on a non-object");
    for (auto& [k, v] : members_)
        if (k == key)
            return v;
    members_.emplace_back(key, Json());
    return members_.back().second;
}

const Json* Json::find(const std::string& key) const {
    if (kind_ != Kind::object)
        return nullptr;
    for (const auto& [k, v] : members_)
        if (k == key)
            return &v;
    return nullptr;
}

const Json& Json::at(const std::string& key) const {
    const Json* v = find(key);
    if (!v)
        throw std::runtime_error("json: missing key \"" + key + "\" in " + dump());
    return *v;
}

void Json::erase(const std::string& key) {
    for (auto it = members_.begin(); it != members_.end(); ++it)
        if (it->first == key) {
            members_.erase(it);
            return;
        }
}

Json& Json::push(Json item) {
    if (kind_ == Kind::null)
        kind_ = Kind::array;
    if (kind_ != Kind::array)
        throw std::runtime_error("json: push on a non-array");
    items_.push_back(std::move(item));
    return items_.back();
}

const std::string& Json::str() const {
    if (kind_ != Kind::string)
        throw std::runtime_error("json: not a string: " + dump());
    return str_;
}

long long Json::num() const {
    if (kind_ != Kind::number)
        throw std::runtime_error("json: not a number: " + dump());
    return num_;
}

bool Json::boolean() const {
    if (kind_ != Kind::boolean)
        throw std::runtime_error("json: not a boolean: " + dump());
    return bool_;
}

static void dump_string(const std::string& s, std::string& out) {
    out += '"';
    for (unsigned char c : s) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out += buf;
        } else {
            out += static_cast<char>(c);
        }
    }
    out += '"';
}

static void dump_to(const Json& j, std::string& out);

std::string Json::dump() const {
    std::string out;
    switch (kind_) {
    case Kind::null:
        return "null";
    case Kind::boolean:
        return bool_ ? "true" : "false";
    case Kind::number:
        return std::to_string(num_);
    case Kind::string:
        dump_string(str_, out);
        return out;
    case Kind::array:
        out += '[';
        for (size_t i = 0; i < items_.size(); i++) {
            if (i)
                out += ',';
            dump_to(items_[i], out);
        }
        out += ']';
        return out;
    case Kind::object:
        out += '{';
        for (size_t i = 0; i < members_.size(); i++) {
            if (i)
                out += ',';
            dump_string(members_[i].first, out);
            out += ':';
            dump_to(members_[i].second, out);
        }
        out += '}';
        return out;
    }
    return out;
}

static void dump_to(const Json& j, std::string& out) {
    out += j.dump();
}

namespace {

// Recursive descent over the whole input; numbers are integers only (the
// runtime's outputs that tests read carry no fractions).
class Parser {
  public:
    explicit Parser(const std::string& text) : s_(text) {}

    Json document() {
        Json v = value();
        space();
        if (pos_ != s_.size())
            error("trailing characters");
        return v;
    }

  private:
    [[noreturn]] void error(const std::string& what) {
        throw std::runtime_error("json parse error at offset " + std::to_string(pos_) + ": " +
                                 what + " in: " + s_.substr(0, 200));
    }
    void space() {
        while (pos_ < s_.size() &&
               (s_[pos_] == ' ' || s_[pos_] == '\n' || s_[pos_] == '\r' || s_[pos_] == '\t'))
            pos_++;
    }
    bool eat(char c) {
        space();
        if (pos_ < s_.size() && s_[pos_] == c) {
            pos_++;
            return true;
        }
        return false;
    }
    void expect(char c) {
        if (!eat(c))
            error(std::string("expected '") + c + "'");
    }
    bool literal(const char* word) {
        std::string w(word);
        if (s_.compare(pos_, w.size(), w) == 0) {
            pos_ += w.size();
            return true;
        }
        return false;
    }

    Json value() {
        space();
        if (pos_ >= s_.size())
            error("unexpected end");
        char c = s_[pos_];
        if (c == '{')
            return object();
        if (c == '[')
            return array();
        if (c == '"')
            return Json(string());
        if (literal("true"))
            return Json(true);
        if (literal("false"))
            return Json(false);
        if (literal("null"))
            return Json();
        return number();
    }

    Json object() {
        expect('{');
        Json obj = Json::object();
        if (eat('}'))
            return obj;
        do {
            space();
            std::string key = string();
            expect(':');
            obj[key] = value();
        } while (eat(','));
        expect('}');
        return obj;
    }

    Json array() {
        expect('[');
        Json arr = Json::array();
        if (eat(']'))
            return arr;
        do
            arr.push(value());
        while (eat(','));
        expect(']');
        return arr;
    }

    std::string string() {
        if (pos_ >= s_.size() || s_[pos_] != '"')
            error("expected string");
        pos_++;
        std::string out;
        while (pos_ < s_.size() && s_[pos_] != '"') {
            char c = s_[pos_++];
            if (c != '\\') {
                out += c;
                continue;
            }
            if (pos_ >= s_.size())
                error("bad escape");
            char e = s_[pos_++];
            switch (e) {
            case 'n':
                out += '\n';
                break;
            case 't':
                out += '\t';
                break;
            case 'r':
                out += '\r';
                break;
            case 'b':
                out += '\b';
                break;
            case 'f':
                out += '\f';
                break;
            case 'u': {
                if (pos_ + 4 > s_.size())
                    error("bad \\u escape");
                unsigned cp = std::stoul(s_.substr(pos_, 4), nullptr, 16);
                pos_ += 4;
                // Tests only meet ASCII escapes; keep others as '?'.
                out += cp < 0x80 ? static_cast<char>(cp) : '?';
                break;
            }
            default:
                out += e;
            }
        }
        if (pos_ >= s_.size())
            error("unterminated string");
        pos_++;
        return out;
    }

    Json number() {
        size_t start = pos_;
        if (pos_ < s_.size() && s_[pos_] == '-')
            pos_++;
        while (pos_ < s_.size() &&
               (isdigit(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '.' ||
                s_[pos_] == 'e' || s_[pos_] == 'E' || s_[pos_] == '+' || s_[pos_] == '-'))
            pos_++;
        if (start == pos_)
            error("unexpected character");
        std::string token = s_.substr(start, pos_ - start);
        if (token.find_first_of(".eE") == std::string::npos) {
            try {
                return Json(std::stoll(token));
            } catch (const std::out_of_range&) {
                return Json(static_cast<unsigned long long>(std::stoull(token)));
            }
        }
        return Json(static_cast<long long>(std::stod(token)));
    }

    const std::string& s_;
    size_t pos_ = 0;
};

} // namespace

Json Json::parse(const std::string& text) {
    return Parser(text).document();
}

} // namespace ward_it
