"""Numeric evaluation at arbitrary precision: band data, statistics, quadrature."""
