// Replays the fuzz seed corpus (tests/fuzz/corpus/TARGET/*) through the
// same entry points the libFuzzer binaries use, so every `make check` runs
// the inputs that once mattered, even where clang's libFuzzer is missing.
#include "../fuzz/targets.hpp"

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

BOOST_AUTO_TEST_SUITE(trust_fuzz_corpus)

BOOST_AUTO_TEST_CASE(seed_corpus_only_parses_or_throws_error) {
    size_t files = 0;
    for (std::string_view target : ward::fuzz::kTargets) {
        fs::path dir = fs::path("tests/fuzz/corpus") / target;
        BOOST_REQUIRE_MESSAGE(fs::is_directory(dir),
                              dir.string() + " missing (run from the repo root)");
        for (const auto& entry : fs::directory_iterator(dir)) {
            std::ifstream in(entry.path(), std::ios::binary);
            std::stringstream data;
            data << in.rdbuf();
            BOOST_TEST_CONTEXT(entry.path().string()) {
                BOOST_CHECK_NO_THROW(ward::fuzz::parse_one(target, data.str()));
            }
            ++files;
        }
    }
    BOOST_TEST(files >= 10u);
}

BOOST_AUTO_TEST_SUITE_END()
