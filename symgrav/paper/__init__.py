"""The paper reproduced: Figures 1 and 2 and the BiTeI estimate."""
