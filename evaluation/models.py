# Models arrive with this app's issue; the app is registered so its place in the layers,
# its permissions and its admin section exist from the start.
