"""Helpers shared by test modules: the one place a test imports from besides the product.

Test modules never import a conftest or another test module; what two of them need lives here, and
conftest.py files keep only fixtures (which may call into these helpers). tests/test_architecture.py
checks this.
"""
