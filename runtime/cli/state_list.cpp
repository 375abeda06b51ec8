// state and list: read-only views of containers under --root.
#include "table.hpp"
#include "verbs.hpp"

namespace ward::cli {
namespace {

std::string string_member(const json::Value& doc, std::string_view key) {
    const json::Value* v = doc.find(key);
    return v && v->is_string() ? v->as_string() : std::string();
}

// runc shows pid 0 for a stopped container; a missing or odd pid shows 0 too.
std::string pid_member(const json::Value& doc) {
    if (string_member(doc, "status") == "stopped")
        return "0";
    const json::Value* v = doc.find("pid");
    auto pid = v ? v->as_int64() : std::nullopt;
    return std::to_string(pid.value_or(0));
}

} // namespace

int verb_state(const Context& ctx, const VerbArgs& args) {
    json::Value doc = container::state(ctx.lifecycle, container_id(args));
    print_out(json::serialize(doc, json::Style::pretty) + "\n");
    return 0;
}

int verb_list(const Context& ctx, const VerbArgs& args) {
    ListOptions options = list_options(args);
    std::vector<json::Value> containers = container::list(ctx.lifecycle);
    if (options.quiet) {
        std::string out;
        for (const auto& doc : containers)
            out += string_member(doc, "id") + "\n";
        print_out(out);
        return 0;
    }
    if (options.format == ListFormat::json) {
        // Always an array (runc prints `null` when there are none).
        print_out(json::serialize(json::Value(json::Value::Array(containers))) + "\n");
        return 0;
    }
    std::vector<TableRow> rows = {{"ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER"}};
    for (const auto& doc : containers)
        rows.push_back({string_member(doc, "id"), pid_member(doc), string_member(doc, "status"),
                        string_member(doc, "bundle"), string_member(doc, "created"),
                        string_member(doc, "owner")});
    print_out(format_table(rows));
    return 0;
}

} // namespace ward::cli
