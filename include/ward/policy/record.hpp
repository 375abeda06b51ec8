// <state dir>/policy.json: the policy a container was created under, kept
// whole (the file it came from may change later), where it came from, what
// it filled and warned about, and the trust step's outcome. create writes
// it; exec and update evaluate against the policy in it; `ward policy show
// ID` prints it.
#pragma once

#include "ward/json/json.hpp"
#include "ward/policy/policy.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace ward::policy {

struct Record {
    Effective effective;               // the policy document and its source at create
    std::vector<std::string> filled;   // as apply() reported them
    std::vector<std::string> warnings; // the messages of create's warn findings
    std::string trust_kind;            // the trust step's outcome (container/trust_check)
    std::string trust_detail;
};

// {"name", "source", "filled", "warnings", "trust": {"kind", "detail"},
//  "policy": the whole policy document}
json::Value record_to_json(const Record& record);

// Parses a record; the policy document in it is parsed as strictly as a
// policy file. `source` prefixes errors. A record without the document
// (written by a ward older than the record of the whole policy) is an
// error: there is no policy to evaluate against.
Record parse_record(std::string_view text, std::string_view source);

} // namespace ward::policy
