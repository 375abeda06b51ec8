// `ward features`: the runtime-spec features document, true of this build.
#pragma once

#include "ward/json/json.hpp"

namespace ward::spec {

json::Value features();

} // namespace ward::spec
