// `ward --help` and `ward VERB --help`, rendered from the command tables.
#include "verbs.hpp"
#include "ward/base/file.hpp"

#include <algorithm>
#include <cctype>
#include <unistd.h>

namespace ward::cli {
namespace {

// "--bundle DIR, -b DIR" / "--detach, -d"
std::string flag_label(const FlagSpec& flag) {
    std::string value = flag.takes_value() ? std::string(" ") + flag.value_name : "";
    std::string label = std::string("--") + flag.name + value;
    if (flag.short_name)
        label += std::string(", -") + flag.short_name + value;
    return label;
}

std::string flag_lines(const std::vector<FlagSpec>& flags) {
    size_t width = 0;
    for (const auto& flag : flags)
        width = std::max(width, flag_label(flag).size());
    std::string out;
    for (const auto& flag : flags) {
        std::string label = flag_label(flag);
        out += "  " + label + std::string(width - label.size() + 3, ' ') + flag.help + "\n";
    }
    return out;
}

std::string verb_lines(bool implemented) {
    std::string out;
    for (const auto& verb : verbs()) {
        if (verb.implemented != implemented)
            continue;
        std::string name = verb.name;
        out += "  " + name + std::string(name.size() < 12 ? 12 - name.size() : 1, ' ') +
               verb.summary + "\n";
    }
    return out;
}

} // namespace

void print_out(std::string_view text) {
    write_all(STDOUT_FILENO, text, "write stdout");
}

void print_help() {
    print_out("ward - a hardened, minimal OCI container runtime (a drop-in for runc)\n"
              "\n"
              "Usage:\n"
              "  ward [global options] <verb> [verb options] [arguments...]\n"
              "\n"
              "A bundle is a directory holding config.json and the root filesystem it names;\n"
              "`ward run -b BUNDLE ID` creates, starts and waits for a container from it.\n"
              "\n"
              "Verbs:\n" +
              verb_lines(true) +
              "\n"
              "Coming later (each exits 1 with \"not implemented yet\"):\n" +
              verb_lines(false) +
              "\n"
              "Global options (before the verb):\n" +
              flag_lines(global_flags()) +
              "\n"
              "Run 'ward <verb> --help' for the options of a verb. Exit status: 0 on success,\n"
              "1 on failure; `run` exits with the container's status.\n");
}

void print_verb_help(const VerbSpec& spec) {
    std::string usage = std::string("Usage: ward ") + spec.name;
    if (spec.flags.size() > 1)
        usage += " [options]";
    if (*spec.args_usage)
        usage += std::string(" ") + spec.args_usage;
    std::string summary = spec.summary;
    summary[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(summary[0])));
    print_out(usage + "\n\n" + summary + ".\n" + spec.about + "\n\nOptions:\n" +
              flag_lines(spec.flags));
}

} // namespace ward::cli
