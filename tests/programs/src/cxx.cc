// cxx.cc — a C++ program for the WASI proof: iostream, std::string,
// std::vector, std::map, std::sort, algorithms, templates, virtual dispatch,
// smart pointers and static constructors.  Built with -fno-exceptions (the
// Debian wasm32 libc++ has no exception support).  Deterministic output.
#include <algorithm>
#include <cstdint>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <numeric>
#include <set>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

namespace {

struct Registry {
    std::vector<std::string> names;
    Registry() { names.push_back("static constructor"); }
};
Registry registry;

class Shape {
public:
    virtual ~Shape() = default;
    virtual double area() const = 0;
    virtual std::string name() const = 0;
};

class Rect : public Shape {
    double w_, h_;
public:
    Rect(double w, double h) : w_(w), h_(h) {}
    double area() const override { return w_ * h_; }
    std::string name() const override {
        std::ostringstream os;
        os << "rect " << w_ << 'x' << h_;
        return os.str();
    }
};

class Circle : public Shape {
    double r_;
public:
    explicit Circle(double r) : r_(r) {}
    double area() const override { return 3.141592653589793 * r_ * r_; }
    std::string name() const override {
        std::ostringstream os;
        os << "circle r=" << r_;
        return os.str();
    }
};

template <typename T>
T sum(const std::vector<T> &v) { return std::accumulate(v.begin(), v.end(), T{}); }

template <typename K, typename V>
std::ostream &operator<<(std::ostream &os, const std::map<K, V> &m) {
    os << '{';
    bool first = true;
    for (const auto &kv : m) {
        if (!first) os << ", ";
        os << kv.first << ": " << kv.second;
        first = false;
    }
    return os << '}';
}

const char *kText =
    "the quick brown fox jumps over the lazy dog the dog sleeps "
    "and the fox runs far away over hills and over rivers while the dog dreams";

} // namespace

int main(int argc, char **argv) {
    std::cout << "registry: " << registry.names.size() << " entry: " << registry.names[0] << '\n';
    std::cout << "args:";
    for (int i = 1; i < argc; i++) std::cout << ' ' << argv[i];
    std::cout << '\n';

    // Word frequencies with std::map and std::unordered_map.
    std::istringstream in(kText);
    std::map<std::string, int> freq;
    std::unordered_map<std::string, int> ufreq;
    std::vector<std::string> words;
    for (std::string w; in >> w;) { ++freq[w]; ++ufreq[w]; words.push_back(w); }
    std::cout << "words: " << words.size() << ", distinct: " << freq.size() << '\n';
    std::cout << "freq: " << freq << '\n';
    bool same = ufreq.size() == freq.size();
    for (const auto &kv : freq) same = same && ufreq[kv.first] == kv.second;
    std::cout << "unordered_map agrees: " << std::boolalpha << same << '\n';

    // Sort by count descending, then alphabetically.
    std::vector<std::pair<std::string, int>> byCount(freq.begin(), freq.end());
    std::sort(byCount.begin(), byCount.end(), [](const auto &a, const auto &b) {
        return a.second != b.second ? a.second > b.second : a.first < b.first;
    });
    std::cout << "top 4:";
    for (size_t i = 0; i < 4 && i < byCount.size(); i++) std::cout << ' ' << byCount[i].first << '=' << byCount[i].second;
    std::cout << '\n';

    // Sorting, uniqueness, searching.
    std::vector<std::string> sorted = words;
    std::sort(sorted.begin(), sorted.end());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    std::cout << "sorted unique:";
    for (const auto &w : sorted) std::cout << ' ' << w;
    std::cout << '\n';
    std::cout << "binary_search(fox): " << std::binary_search(sorted.begin(), sorted.end(), std::string("fox"))
              << ", binary_search(cat): " << std::binary_search(sorted.begin(), sorted.end(), std::string("cat")) << '\n';
    std::stable_sort(words.begin(), words.end(), [](const std::string &a, const std::string &b) { return a.size() < b.size(); });
    std::cout << "stable by length: " << words.front() << " ... " << words.back() << '\n';

    // Numbers: a pseudo-random vector sorted several ways.
    std::vector<int64_t> nums;
    uint32_t s = 2024;
    for (int i = 0; i < 1000; i++) { s = s * 1103515245u + 12345u; nums.push_back(static_cast<int64_t>(s >> 8) - 4000000); }
    std::vector<int64_t> a = nums, b = nums;
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end(), std::greater<int64_t>());
    std::reverse(b.begin(), b.end());
    std::cout << "sort asc == reverse(sort desc): " << (a == b) << ", is_sorted: " << std::is_sorted(a.begin(), a.end()) << '\n';
    std::cout << "min " << a.front() << ", max " << a.back() << ", median " << a[a.size() / 2] << ", sum " << sum(nums) << '\n';
    std::nth_element(nums.begin(), nums.begin() + 10, nums.end());
    std::cout << "nth_element(10) == sorted[10]: " << (nums[10] == a[10]) << '\n';
    std::set<int64_t> uniq(a.begin(), a.end());
    std::cout << "distinct values: " << uniq.size() << '\n';

    // Formatting with iomanip.
    std::cout << std::fixed << std::setprecision(3) << "pi ~ " << 3.14159265358979 << ", e ~ " << 2.718281828459045 << '\n';
    std::cout << std::scientific << std::setprecision(2) << "avogadro " << 6.02214076e23 << '\n';
    std::cout.unsetf(std::ios::floatfield);
    std::cout << std::setprecision(6) << "default " << 1.0 / 3.0 << ' ' << 1e-7 << ' ' << 123456789.0 << '\n';
    std::cout << std::hex << std::showbase << "hex " << 255 << ' ' << 4096 << std::dec << std::noshowbase
              << " dec " << 255 << '\n';
    std::cout << '[' << std::setw(8) << std::left << "left" << ']' << '[' << std::setw(8) << std::right << "right" << ']'
              << '[' << std::setw(6) << std::setfill('0') << 42 << ']' << std::setfill(' ') << '\n';

    // Polymorphism and smart pointers.
    std::vector<std::unique_ptr<Shape>> shapes;
    shapes.push_back(std::make_unique<Rect>(3, 4));
    shapes.push_back(std::make_unique<Circle>(1.5));
    shapes.push_back(std::make_unique<Rect>(10, 0.5));
    std::sort(shapes.begin(), shapes.end(), [](const auto &x, const auto &y) { return x->area() < y->area(); });
    for (const auto &sh : shapes) std::cout << sh->name() << ": area " << std::setprecision(4) << sh->area() << '\n';
    auto shared = std::make_shared<std::string>("shared");
    auto copy = shared;
    std::cout << *copy << " use_count " << shared.use_count() << '\n';

    // Strings.
    std::string str = "Hello, WebAssembly";
    std::string upper = str;
    std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    std::cout << upper << " | find(Web) = " << str.find("Web") << " | substr = " << str.substr(7, 4)
              << " | npos? " << (str.find("xyz") == std::string::npos) << '\n';
    std::string big;
    for (int i = 0; i < 1000; i++) big += std::to_string(i % 10);
    std::cout << "big string: " << big.size() << " chars, count('7') = " << std::count(big.begin(), big.end(), '7') << '\n';
    std::cout << "stoi " << std::stoi("-1234") << ", stod " << std::stod("2.5") * 2 << '\n';
    std::cerr << "cxx: a line on std::cerr\n";
    std::cout << "done" << std::endl;
    return 0;
}
