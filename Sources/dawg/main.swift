print("dawg")
