workspace {
    model {
}
}
}
