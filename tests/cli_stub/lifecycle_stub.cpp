// Test scaffolding only (never part of the real build): just enough of the
// lifecycle, json, spec and signals modules to link build/ward on the cli
// branch before those modules exist. Each lifecycle call prints what it
// received on stderr ("stub: create id=... bundle=..."), so a shell test can
// check how argv was mapped to the option structs.
//
//   make build/libward.a build/obj/runtime/cli/main.o
//   g++ -std=c++20 -Iinclude -D_GNU_SOURCE -c tests/cli_stub/lifecycle_stub.cpp -o build/stub.o
//   g++ -o build/ward-stub build/obj/runtime/cli/main.o build/stub.o build/libward.a -lseccomp
#include "ward/base/error.hpp"
#include "ward/base/strings.hpp"
#include "ward/container/lifecycle.hpp"
#include "ward/json/json.hpp"
#include "ward/linux/signals.hpp"
#include "ward/spec/features.hpp"
#include "ward/spec/parse.hpp"

#include <csignal>
#include <cstdio>
#include <cstdlib>

namespace ward {

namespace json {

Value::Value(unsigned long v) : data_(static_cast<int64_t>(v)) {}

Type Value::type() const {
    switch (data_.index()) {
    case 0:
        return Type::null;
    case 1:
        return Type::boolean;
    case 2:
    case 3:
    case 4:
        return Type::number;
    case 5:
        return Type::string;
    case 6:
        return Type::array;
    default:
        return Type::object;
    }
}

const std::string& Value::as_string() const {
    if (!is_string())
        fail("expected string");
    return std::get<std::string>(data_);
}

std::optional<int64_t> Value::as_int64() const {
    if (auto p = std::get_if<int64_t>(&data_))
        return *p;
    return std::nullopt;
}

const Value* Value::find(std::string_view key) const {
    if (auto obj = std::get_if<Object>(&data_))
        for (const auto& [k, v] : *obj)
            if (k == key)
                return &v;
    return nullptr;
}

Value& Value::set(std::string key, Value value) {
    auto& obj = std::get<Object>(data_);
    obj.emplace_back(std::move(key), std::move(value));
    return obj.back().second;
}

namespace {
void write(const Value& v, std::string& out, bool pretty, int depth) {
    std::string nl = pretty ? "\n" + std::string(2 * (depth + 1), ' ') : "";
    std::string end = pretty ? "\n" + std::string(2 * depth, ' ') : "";
    switch (v.type()) {
    case Type::null:
        out += "null";
        break;
    case Type::boolean:
        out += v.as_bool() ? "true" : "false";
        break;
    case Type::number:
        out += std::to_string(v.as_int64().value_or(0));
        break;
    case Type::string:
        out += "\"" + v.as_string() + "\"";
        break;
    case Type::array: {
        out += "[";
        bool first = true;
        for (const auto& item : v.as_array()) {
            out += (first ? "" : ",") + nl;
            write(item, out, pretty, depth + 1);
            first = false;
        }
        out += (first ? "" : end) + "]";
        break;
    }
    case Type::object: {
        out += "{";
        bool first = true;
        for (const auto& [k, item] : v.as_object()) {
            out += (first ? "" : ",") + nl + "\"" + k + "\":" + (pretty ? " " : "");
            write(item, out, pretty, depth + 1);
            first = false;
        }
        out += (first ? "" : end) + "}";
        break;
    }
    }
}
} // namespace

bool Value::as_bool() const {
    return std::get<bool>(data_);
}
const Value::Array& Value::as_array() const {
    return std::get<Array>(data_);
}
const Value::Object& Value::as_object() const {
    return std::get<Object>(data_);
}

std::string serialize(const Value& value, Style style) {
    std::string out;
    write(value, out, style == Style::pretty, 0);
    return out;
}

} // namespace json

namespace container {

namespace {
void trace(const std::string& line) {
    std::fprintf(stderr, "stub: %s\n", line.c_str());
    if (const char* fail_with = std::getenv("WARD_STUB_FAIL"))
        fail(fail_with);
}

json::Value doc(const std::string& id, const std::string& status, int pid) {
    json::Value v = json::Value::object();
    v.set("ociVersion", "1.3.0");
    v.set("id", id);
    v.set("status", status);
    v.set("pid", pid);
    v.set("bundle", "/bundles/" + id);
    v.set("created", "2026-11-23T08:25:16.123456789Z");
    v.set("owner", "root");
    return v;
}
} // namespace

void create(const Globals& g, const CreateOptions& o) {
    trace("create root=" + g.root + " id=" + o.id + " bundle=" + o.bundle +
          " pid_file=" + o.pid_file + " console_socket=" + o.console_socket + " no_pivot=" +
          std::to_string(o.no_pivot) + " no_new_keyring=" + std::to_string(o.no_new_keyring) +
          " preserve_fds=" + std::to_string(o.preserve_fds));
}
void start(const Globals& g, const std::string& id) {
    trace("start root=" + g.root + " id=" + id);
}
int run(const Globals& g, const CreateOptions& o, bool detach, bool keep) {
    trace("run root=" + g.root + " id=" + o.id + " bundle=" + o.bundle +
          " detach=" + std::to_string(detach) + " keep=" + std::to_string(keep));
    return 7;
}
json::Value state(const Globals& g, const std::string& id) {
    trace("state root=" + g.root + " id=" + id);
    if (id == "nosuch")
        fail("container does not exist");
    return doc(id, "running", 4242);
}
void kill(const Globals& g, const std::string& id, int signal, bool all) {
    trace("kill root=" + g.root + " id=" + id + " signal=" + std::to_string(signal) +
          " all=" + std::to_string(all));
}
void remove(const Globals& g, const std::string& id, bool force) {
    trace("delete root=" + g.root + " id=" + id + " force=" + std::to_string(force));
}
std::vector<json::Value> list(const Globals& g) {
    trace("list root=" + g.root);
    if (!std::getenv("WARD_STUB_LIST"))
        return {};
    return {doc("web", "running", 4242), doc("a-much-longer-container-id", "stopped", 99)};
}

} // namespace container

namespace linux {
std::optional<int> parse_signal(std::string_view text) {
    if (auto n = parse_int(text))
        return static_cast<int>(*n);
    if (text == "KILL" || text == "SIGKILL")
        return SIGKILL;
    if (text == "TERM" || text == "SIGTERM")
        return SIGTERM;
    return std::nullopt;
}
} // namespace linux

namespace spec {
Spec default_spec(bool rootless) {
    Spec s;
    s.oci_version = rootless ? "rootless" : "rootful";
    return s;
}
json::Value spec_to_json(const Spec& s) {
    json::Value v = json::Value::object();
    v.set("ociVersion", "1.3.0");
    v.set("stub", s.oci_version);
    return v;
}
json::Value features() {
    json::Value v = json::Value::object();
    v.set("ociVersionMin", "1.0.0");
    v.set("ociVersionMax", "1.3.0");
    return v;
}
} // namespace spec

} // namespace ward
