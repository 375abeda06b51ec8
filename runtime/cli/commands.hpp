// The command-line vocabulary: every global flag and every verb with its
// flags, argument count and help text. The parser and the help printer both
// read these tables, so what `--help` says is what the parser accepts.
#pragma once

#include <string_view>
#include <vector>

namespace ward::cli {

struct FlagSpec {
    const char* name;       // long name without dashes: "bundle"
    const char* short_name; // one-letter alias ("b") or nullptr
    const char* value_name; // shown in help ("DIR"); nullptr for a boolean flag
    const char* help;

    bool takes_value() const { return value_name != nullptr; }
};

// Where a verb's own flags end, as podman's and docker's end at the first
// word of the command: the positional argument number `at` (0: the first)
// and every word after it are taken as they are, dashes and all. `--`
// ends flags anywhere.
struct FlagsEnd {
    int at = -1;                     // -1: never; flags and arguments interleave (runc)
    const char* only_with = nullptr; // the end applies only once this flag was seen (--image)
};

struct VerbSpec {
    const char* name;
    const char* summary;    // one line, for the verb list
    const char* args_usage; // "<container-id>"
    int min_args;
    int max_args;      // -1: no upper bound
    bool implemented;  // false: listed, but running it is an error
    const char* about; // a few lines for `ward VERB --help`
    std::vector<FlagSpec> flags;
    // exec and ps: at the first argument, the id (`ward ps ID -o pid,comm`,
    // runc's SkipArgReorder); run and create with --image: at the command
    // after the id; bundle create: at the command after DIR.
    FlagsEnd flags_end = {};
};

const std::vector<FlagSpec>& global_flags();
const std::vector<VerbSpec>& verbs();

// nullptr when `name` is not a verb.
const VerbSpec* find_verb(std::string_view name);

} // namespace ward::cli
