from rencai.verification.gateway.app import main

main()
