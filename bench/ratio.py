"""Prints 'MEAN_A_MS MEAN_B_MS RATIO' from a hyperfine --export-json file of two commands."""
import json
import sys

results = json.load(open(sys.argv[1]))["results"]
a, b = results[0]["mean"], results[1]["mean"]
print(f"{a * 1000:.2f} {b * 1000:.2f} {a / b:.2f}")
