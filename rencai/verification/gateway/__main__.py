from rencai.verification.gateway.app import main

if __name__ == "__main__":  # importing the package (e.g. to list its modules) starts nothing
    main()
