"""`python -m app --host 127.0.0.1 --port 8000`"""
import argparse

import uvicorn

from app.main import create_app


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m app", description="Serve Swara.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    uvicorn.run(create_app(), host=args.host, port=args.port, log_level="info")


if __name__ == "__main__":
    main()
