def main() -> None:  # placeholder replaced below
    raise SystemExit("not yet")
